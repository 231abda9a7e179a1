// wsrepro driver for github.com/coder/websocket (formerly nhooyr.io/websocket), used as its
// README teaches: websocket.Dial(ctx, url, nil), Read until it returns an error, CloseNow. With
// ping settings, a ping every interval with Conn.Ping, bounded by the ping timeout.
//
//	driver URL
//
// Settings: WSREPRO_OPEN_TIMEOUT_MS -> the Dial context's deadline (default: none);
// WSREPRO_PING_INTERVAL_MS / WSREPRO_PING_TIMEOUT_MS -> the ping loop (the library has no
// keepalive of its own); WSREPRO_CLOSE_TIMEOUT_MS: Close waits a fixed 5 s for the peer
// (unsupported); WSREPRO_SEND: a message sent once after the handshake; WSREPRO_CLOSE_AFTER_MS:
// Close(StatusNormalClosure, "") that long after the handshake, beside the reader.
// Exit: 0 after a normal close, 1 after an error. SIGINT is not caught.
package main

import (
	"context"
	"os"
	"runtime"
	"time"

	"github.com/coder/websocket"
)

func run(url string) int {
	emit("versions", map[string]any{"library": moduleVersion(module), "runtime": "go",
		"runtime_version": runtime.Version()})
	unsupportedSetting("WSREPRO_CLOSE_TIMEOUT_MS", "coder/websocket waits a fixed 5 s for the close handshake")
	emit("api", map[string]any{"api": "websocket.Dial"})
	dialCtx := context.Background()
	if d, ok := setting("WSREPRO_OPEN_TIMEOUT_MS"); ok {
		var cancel context.CancelFunc
		dialCtx, cancel = context.WithTimeout(dialCtx, d)
		defer cancel()
	}
	emit("connecting", map[string]any{"url": url})
	conn, _, err := websocket.Dial(dialCtx, url, nil)
	if err != nil {
		emit("error", errorFields(err, "connect"))
		return 1
	}
	defer conn.CloseNow()
	emit("connected", nil)

	ctx := context.Background()
	if interval, ok := setting("WSREPRO_PING_INTERVAL_MS"); ok {
		wait, given := setting("WSREPRO_PING_TIMEOUT_MS")
		if !given {
			wait = interval
		}
		emit("keepalive", map[string]any{"interval_ms": interval.Milliseconds(), "timeout_ms": wait.Milliseconds()})
		go func() {
			for range time.Tick(interval) {
				pingCtx, cancel := context.WithTimeout(ctx, wait)
				err := conn.Ping(pingCtx)
				cancel()
				if err != nil {
					emit("error", map[string]any{"type": "keepalive_timeout", "message": err.Error()})
					conn.CloseNow()
					return
				}
			}
		}()
	}
	if payload := os.Getenv("WSREPRO_SEND"); payload != "" {
		if err := conn.Write(ctx, websocket.MessageText, []byte(payload)); err != nil {
			emit("error", errorFields(err, "send"))
		} else {
			emit("sent", map[string]any{"bytes": len(payload)})
		}
	}
	if closeAfter, ok := setting("WSREPRO_CLOSE_AFTER_MS"); ok {
		time.AfterFunc(closeAfter, func() {
			emit("closing", map[string]any{"code": int(websocket.StatusNormalClosure)})
			if err := conn.Close(websocket.StatusNormalClosure, ""); err != nil {
				emit("error", errorFields(err, "close"))
			}
		})
	}
	for {
		kind, data, err := conn.Read(ctx)
		if err != nil {
			if code := websocket.CloseStatus(err); code != -1 {
				emit("closed", map[string]any{"code": int(code), "reason": ""})
				if normalClose(int(code)) {
					return 0
				}
				return 1
			}
			emit("error", errorFields(err, "recv"))
			emit("closed", map[string]any{"code": 1006, "reason": ""})
			return 1
		}
		text := ""
		if kind == websocket.MessageText {
			text = string(data[:min(len(data), 200)])
		}
		emit("received", map[string]any{"bytes": len(data), "text": text})
	}
}

const module = "github.com/coder/websocket"

func main() { driverMain(module, run) }
