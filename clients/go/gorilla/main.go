// wsrepro driver for github.com/gorilla/websocket, used as its examples teach: Dialer.Dial,
// ReadMessage until it returns an error, Close. With ping settings, the keepalive of its chat
// example (a ping every interval; a read deadline the pong handler pushes back).
//
//	driver URL
//
// Settings: WSREPRO_OPEN_TIMEOUT_MS -> Dialer.HandshakeTimeout (default 45 s);
// WSREPRO_PING_INTERVAL_MS / WSREPRO_PING_TIMEOUT_MS -> the chat example's pingPeriod /
// pongWait; WSREPRO_CLOSE_TIMEOUT_MS: gorilla has no close handshake wait (unsupported);
// WSREPRO_SEND: a message sent once after the handshake; WSREPRO_CLOSE_AFTER_MS: that long after
// the handshake, the close of gorilla's echo client example (a close frame, then the reader gets
// the server's close frame or the connection is closed after WSREPRO_CLOSE_TIMEOUT_MS, the
// example's 1 s by default).
// Exit: 0 after a normal close, 1 after an error. SIGINT is not caught.
package main

import (
	"errors"
	"os"
	"runtime"
	"time"

	"github.com/gorilla/websocket"
)

func run(url string) int {
	emit("versions", map[string]any{"library": moduleVersion(module), "runtime": "go",
		"runtime_version": runtime.Version()})
	closeAfter, closing := setting("WSREPRO_CLOSE_AFTER_MS")
	if !closing {
		unsupportedSetting("WSREPRO_CLOSE_TIMEOUT_MS", "gorilla/websocket does not wait for a close handshake")
	}
	emit("api", map[string]any{"api": "websocket.Dialer.Dial"})
	dialer := *websocket.DefaultDialer
	if d, ok := setting("WSREPRO_OPEN_TIMEOUT_MS"); ok {
		dialer.HandshakeTimeout = d
	}
	emit("connecting", map[string]any{"url": url, "handshake_timeout_ms": dialer.HandshakeTimeout.Milliseconds()})
	conn, _, err := dialer.Dial(url, nil)
	if err != nil {
		emit("error", errorFields(err, "connect"))
		return 1
	}
	defer conn.Close()
	emit("connected", nil)

	if interval, ok := setting("WSREPRO_PING_INTERVAL_MS"); ok {
		wait, given := setting("WSREPRO_PING_TIMEOUT_MS")
		if !given {
			wait = interval
		}
		// The chat example: the read deadline is a pong wait past now, renewed by each pong.
		pongWait := interval + wait
		_ = conn.SetReadDeadline(time.Now().Add(pongWait))
		conn.SetPongHandler(func(string) error { return conn.SetReadDeadline(time.Now().Add(pongWait)) })
		emit("keepalive", map[string]any{"interval_ms": interval.Milliseconds(), "timeout_ms": wait.Milliseconds()})
		go func() {
			for range time.Tick(interval) {
				if err := conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(wait)); err != nil {
					return
				}
			}
		}()
	}
	if payload := os.Getenv("WSREPRO_SEND"); payload != "" {
		if err := conn.WriteMessage(websocket.TextMessage, []byte(payload)); err != nil {
			emit("error", errorFields(err, "send"))
		} else {
			emit("sent", map[string]any{"bytes": len(payload)})
		}
	}
	if closing {
		wait, given := setting("WSREPRO_CLOSE_TIMEOUT_MS")
		if !given {
			wait = time.Second
		}
		time.AfterFunc(closeAfter, func() {
			emit("closing", map[string]any{"code": websocket.CloseNormalClosure})
			message := websocket.FormatCloseMessage(websocket.CloseNormalClosure, "")
			if err := conn.WriteControl(websocket.CloseMessage, message, time.Now().Add(wait)); err != nil {
				emit("error", errorFields(err, "close"))
			}
			// The example waits for its reader at most that long, then closes the connection.
			time.AfterFunc(wait, func() { conn.Close() })
		})
	}
	for {
		kind, data, err := conn.ReadMessage()
		if err != nil {
			var closeErr *websocket.CloseError
			if errors.As(err, &closeErr) {
				emit("closed", map[string]any{"code": closeErr.Code, "reason": closeErr.Text})
				if normalClose(closeErr.Code) {
					return 0
				}
				return 1
			}
			emit("error", errorFields(err, "recv"))
			emit("closed", map[string]any{"code": 1006, "reason": ""})
			return 1
		}
		text := ""
		if kind == websocket.TextMessage {
			text = string(data[:min(len(data), 200)])
		}
		emit("received", map[string]any{"bytes": len(data), "text": text})
	}
}

const module = "github.com/gorilla/websocket"

func main() { driverMain(module, run) }
