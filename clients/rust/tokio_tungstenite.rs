//! wsrepro driver for tokio-tungstenite (crates.io), used as its README and examples teach:
//! `connect_async(url)`, then read the stream until it ends, answering the server as the library
//! does by itself. Built once per version into wsrepro's cache (clients/rust-websocket.toml).
//!
//!     driver URL          driver --versions (the environment's probe)
//!
//! Settings (WSREPRO_*, in ms; unset: the library's default):
//!   OPEN_TIMEOUT_MS   tokio::time::timeout around connect_async (the library has none).
//!   PING_INTERVAL_MS, PING_TIMEOUT_MS
//!                     a ping every interval from the read loop; no pong within the timeout
//!                     -> `error` keepalive_timeout and exit (tungstenite has no keepalive).
//!   CLOSE_TIMEOUT_MS  tungstenite has no close timeout (unsupported_setting).
//!   SEND              a message sent once after the handshake.
//!   CLOSE_AFTER_MS    a close frame (1000) sent from the read loop that long after the
//!                     handshake; the loop then reads on until the server's close frame.
//! wss:// goes through the crate's `native-tls` feature (OpenSSL here), which trusts the CA file
//! in SSL_CERT_FILE as any OpenSSL program does: that is how wsrepro names its throwaway CA.
//! Output: wsrepro's driver protocol (clients/DRIVER-PROTOCOL.md). Exit: 0 after a normal
//! close, 1 after an error. SIGINT is not caught.

use futures_util::{SinkExt, StreamExt};
use std::io::Write;
use std::time::Duration;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;

/// A JSON value for an event's field.
enum Field {
    Text(String),
    Int(i64),
}

fn json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// CLOCK_MONOTONIC in seconds: the harness's clock (std's Instant does not expose it).
fn monotonic_seconds() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes only into the timespec it is given.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec as f64 + ts.tv_nsec as f64 / 1e9
}

/// One event, written whole in one call: a driver killed at the deadline keeps its lines.
fn emit(event: &str, fields: &[(&str, Field)]) {
    let mut line = format!(
        "{{\"event\": {}, \"t\": {:.9}",
        json_string(event),
        monotonic_seconds()
    );
    for (key, value) in fields {
        let value = match value {
            Field::Text(s) => json_string(s),
            Field::Int(n) => n.to_string(),
        };
        line.push_str(&format!(", {}: {}", json_string(key), value));
    }
    line.push_str("}\n");
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(line.as_bytes());
    let _ = out.flush();
}

fn setting(name: &str) -> Option<Duration> {
    std::env::var(name)
        .ok()?
        .parse::<u64>()
        .ok()
        .map(Duration::from_millis)
}

fn error(kind: &str, message: String, call: &str) {
    emit(
        "error",
        &[
            ("type", Field::Text(kind.into())),
            ("message", Field::Text(message)),
            ("call", Field::Text(call.into())),
        ],
    );
}

fn closed(code: i64, reason: String) -> i32 {
    emit(
        "closed",
        &[("code", Field::Int(code)), ("reason", Field::Text(reason))],
    );
    if code == 1000 || code == 1001 || code == 1005 {
        0
    } else {
        1
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() == 2 && args[1] == "--versions" {
        println!("{}", env!("WSREPRO_LIBRARY_VERSION"));
        println!("rustc {}", env!("WSREPRO_RUSTC_VERSION"));
        return;
    }
    if args.len() != 2 {
        error("usage", "driver URL".into(), "");
        std::process::exit(2);
    }
    std::process::exit(run(&args[1]).await);
}

async fn run(url: &str) -> i32 {
    emit(
        "versions",
        &[
            (
                "library",
                Field::Text(env!("WSREPRO_LIBRARY_VERSION").into()),
            ),
            ("runtime", Field::Text("rust".into())),
            (
                "runtime_version",
                Field::Text(env!("WSREPRO_RUSTC_VERSION").into()),
            ),
        ],
    );
    if setting("WSREPRO_CLOSE_TIMEOUT_MS").is_some() {
        emit(
            "unsupported_setting",
            &[
                ("setting", Field::Text("WSREPRO_CLOSE_TIMEOUT_MS".into())),
                (
                    "message",
                    Field::Text("tungstenite has no close timeout".into()),
                ),
            ],
        );
    }
    emit(
        "api",
        &[(
            "api",
            Field::Text("tokio_tungstenite::connect_async".into()),
        )],
    );
    emit("connecting", &[("url", Field::Text(url.into()))]);
    let connecting = tokio_tungstenite::connect_async(url);
    let connected = match setting("WSREPRO_OPEN_TIMEOUT_MS") {
        Some(limit) => match tokio::time::timeout(limit, connecting).await {
            Ok(result) => result,
            Err(_) => {
                error(
                    "open_timeout",
                    format!("no handshake within {} ms", limit.as_millis()),
                    "connect",
                );
                return 1;
            }
        },
        None => connecting.await,
    };
    let mut ws = match connected {
        Ok((ws, _response)) => ws,
        Err(e) => {
            error("connect", e.to_string(), "connect");
            return 1;
        }
    };
    emit("connected", &[]);
    if let Ok(payload) = std::env::var("WSREPRO_SEND") {
        if !payload.is_empty() {
            let bytes = payload.len() as i64;
            match ws.send(Message::Text(payload.into())).await {
                Ok(()) => emit("sent", &[("bytes", Field::Int(bytes))]),
                Err(e) => error("send", e.to_string(), "send"),
            }
        }
    }
    let interval = setting("WSREPRO_PING_INTERVAL_MS");
    let timeout = setting("WSREPRO_PING_TIMEOUT_MS").or(interval);
    let mut ticker = tokio::time::interval(interval.unwrap_or(Duration::from_secs(3600)));
    ticker.tick().await;
    if let (Some(i), Some(t)) = (interval, timeout) {
        emit(
            "keepalive",
            &[
                ("interval_ms", Field::Int(i.as_millis() as i64)),
                ("timeout_ms", Field::Int(t.as_millis() as i64)),
            ],
        );
    }
    let mut ping_sent: Option<tokio::time::Instant> = None;
    let mut close_at = setting("WSREPRO_CLOSE_AFTER_MS").map(|d| tokio::time::Instant::now() + d);
    loop {
        let deadline = ping_sent.zip(timeout).map(|(at, t)| at + t);
        tokio::select! {
            message = ws.next() => match message {
                Some(Ok(Message::Close(frame))) => {
                    let (code, reason) = frame
                        .map(|f| (u16::from(f.code) as i64, f.reason.to_string()))
                        .unwrap_or((1005, String::new()));
                    // The library answers the close; the stream then ends.
                    while let Some(Ok(_)) = ws.next().await {}
                    return closed(code, reason);
                }
                Some(Ok(Message::Pong(_))) => ping_sent = None,
                Some(Ok(message)) if message.is_text() || message.is_binary() => {
                    let text = if message.is_text() {
                        message.to_text().unwrap_or("").chars().take(200).collect()
                    } else {
                        String::new()
                    };
                    emit("received", &[("bytes", Field::Int(message.len() as i64)), ("text", Field::Text(text))]);
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => {
                    error("recv", e.to_string(), "recv");
                    return closed(1006, String::new());
                }
                None => return closed(1006, String::new()),
            },
            _ = ticker.tick(), if interval.is_some() && ping_sent.is_none() => {
                if let Err(e) = ws.send(Message::Ping(Default::default())).await {
                    error("send", e.to_string(), "ping");
                    return closed(1006, String::new());
                }
                ping_sent = Some(tokio::time::Instant::now());
            },
            _ = tokio::time::sleep_until(close_at.unwrap_or_else(tokio::time::Instant::now)), if close_at.is_some() => {
                close_at = None;
                emit("closing", &[("code", Field::Int(1000))]);
                let frame = CloseFrame { code: CloseCode::Normal, reason: Default::default() };
                if let Err(e) = ws.send(Message::Close(Some(frame))).await {
                    error("close", e.to_string(), "close");
                    return closed(1006, String::new());
                }
            },
            _ = tokio::time::sleep_until(deadline.unwrap_or_else(tokio::time::Instant::now)), if deadline.is_some() => {
                error("keepalive_timeout", format!("no pong within {} ms", timeout.unwrap().as_millis()), "ping");
                return closed(1006, String::new());
            },
        }
    }
}
