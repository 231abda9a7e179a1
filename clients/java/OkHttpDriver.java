// wsrepro driver for OkHttp's WebSocket (Maven Central `com.squareup.okhttp3:okhttp`), used as
// its WebSocketEcho sample teaches: client.newWebSocket(request, listener), answer the server's
// close in onClosing, and after the end shut the dispatcher's executor down and return from
// main, so the JVM ends when OkHttp's threads do.
//
//   java -cp CLASSES:LIB/* OkHttpDriver URL        (--versions: the environment's probe)
//
// Settings (WSREPRO_*, in ms; unset: OkHttp's defaults):
//   OPEN_TIMEOUT_MS   connectTimeout and readTimeout (the handshake's response; OkHttp drops
//                     the read timeout once the socket is a WebSocket).
//   PING_INTERVAL_MS  pingInterval: a ping every interval; the socket fails when a pong has not
//                     come by the next ping.
//   PING_TIMEOUT_MS   OkHttp has none apart from the interval (unsupported_setting).
//   CLOSE_TIMEOUT_MS  OkHttp waits a fixed 60 s for the server after its close (unsupported).
//   SEND              a message sent once after the handshake.
//   CLOSE_AFTER_MS    webSocket.close(1000, null) that long after onOpen.
// Over wss://, the CA in SSL_CERT_FILE is trusted through sslSocketFactory(factory, trustManager),
// as OkHttp's HTTPS recipes add a private CA.
// Exit: 0 after a normal close (returning from main), 1 after a failure. SIGINT is not caught.

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.ByteString;

public final class OkHttpDriver {
  public static void main(String[] args) throws InterruptedException {
    String version = okhttp3.OkHttp.VERSION;
    if (args.length == 1 && args[0].equals("--versions")) {
      System.out.println(version);
      System.out.println("Java " + System.getProperty("java.version"));
      return;
    }
    Protocol.emit("versions", "library", version, "runtime", "java", "runtime_version",
        System.getProperty("java.version"));
    if (args.length != 1) {
      Protocol.emit("error", "type", "usage", "message", "OkHttpDriver URL");
      System.exit(2);
    }
    Protocol.unsupportedSetting("WSREPRO_PING_TIMEOUT_MS",
        "OkHttp fails the socket when no pong came by the next ping: the interval is the timeout");
    Protocol.unsupportedSetting("WSREPRO_CLOSE_TIMEOUT_MS",
        "OkHttp waits a fixed 60 s for the server to end the connection after its close");
    OkHttpClient.Builder builder = new OkHttpClient.Builder();
    Protocol.setting("WSREPRO_OPEN_TIMEOUT_MS").ifPresent(d -> {
      builder.connectTimeout(d);
      builder.readTimeout(d);
    });
    Protocol.setting("WSREPRO_PING_INTERVAL_MS").ifPresent(d -> {
      builder.pingInterval(d);
      Protocol.emit("keepalive", "interval_ms", d.toMillis(), "timeout_ms", d.toMillis());
    });
    Protocol.trustFromCertFile().ifPresent(trust -> {
      try {
        builder.sslSocketFactory(Protocol.sslContext(trust).getSocketFactory(), trust);
      } catch (Exception e) {
        Protocol.error(e, "trust");
      }
    });
    OkHttpClient client = builder.build();
    Protocol.emit("api", "api", "okhttp3.OkHttpClient.newWebSocket");
    Protocol.emit("connecting", "url", args[0]);
    CountDownLatch done = new CountDownLatch(1);
    AtomicInteger status = new AtomicInteger(1);
    // OkHttp takes http(s) URLs for web sockets; ws:// and wss:// are accepted since 3.x.
    Request request = new Request.Builder().url(args[0]).build();
    client.newWebSocket(request, new WebSocketListener() {
      @Override public void onOpen(WebSocket ws, Response response) {
        Protocol.emit("connected");
        String payload = System.getenv("WSREPRO_SEND");
        if (payload != null && !payload.isEmpty()) {
          if (ws.send(payload)) Protocol.emit("sent", "bytes", payload.length());
          else Protocol.emit("error", "type", "send_refused", "message", "send() returned false",
                             "call", "send");
        }
        Protocol.setting("WSREPRO_CLOSE_AFTER_MS").ifPresent(d -> Protocol.after(d, () -> {
          Protocol.emit("closing", "code", 1000);
          ws.close(1000, null);
        }));
      }
      @Override public void onMessage(WebSocket ws, String text) {
        Protocol.emit("received", "bytes", text.length(), "text",
            text.substring(0, Math.min(200, text.length())));
      }
      @Override public void onMessage(WebSocket ws, ByteString bytes) {
        Protocol.emit("received", "bytes", bytes.size(), "text", "");
      }
      @Override public void onClosing(WebSocket ws, int code, String reason) {
        // As the sample does: answer the server's close.
        ws.close(1000, null);
      }
      @Override public void onClosed(WebSocket ws, int code, String reason) {
        Protocol.emit("closed", "code", code, "reason", reason);
        status.set(Protocol.normalClose(code) ? 0 : 1);
        done.countDown();
      }
      @Override public void onFailure(WebSocket ws, Throwable t, Response response) {
        Protocol.error(t, "recv");
        Protocol.emit("closed", "code", 1006, "reason", "");
        status.set(1);
        done.countDown();
      }
    });
    done.await();
    client.dispatcher().executorService().shutdown();
    if (status.get() != 0) System.exit(status.get());
  }
}
