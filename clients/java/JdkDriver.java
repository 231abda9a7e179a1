// wsrepro driver for the JDK's java.net.http.WebSocket (Java 11+), used as its documentation
// teaches: HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, listener), request
// messages one at a time, answer the server's close with sendClose, then return from main.
//
//   java -cp CLASSES JdkDriver URL        (--versions: the environment's probe)
//
// Settings (WSREPRO_*, in ms; unset: the JDK's defaults):
//   OPEN_TIMEOUT_MS   WebSocket.Builder.connectTimeout (the opening handshake).
//   PING_INTERVAL_MS, PING_TIMEOUT_MS
//                     a sendPing every interval; no pong within the timeout -> `error`
//                     keepalive_timeout, abort() (the JDK has no keepalive of its own).
//   CLOSE_TIMEOUT_MS  the JDK has no close timeout (unsupported_setting); after its own close
//                     the driver aborts once that long has passed, as sendClose's documentation
//                     leaves to the application.
//   SEND              a message sent once after the handshake.
//   CLOSE_AFTER_MS    sendClose(NORMAL_CLOSURE, "") that long after the handshake.
// Over wss://, the CA in SSL_CERT_FILE is trusted through HttpClient.Builder.sslContext.
// Exit: 0 after a normal close, 1 after an error. SIGINT is not caught.

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

public final class JdkDriver {
  public static void main(String[] args) throws Exception {
    String version = System.getProperty("java.version");
    if (args.length == 1 && args[0].equals("--versions")) {
      System.out.println(version);
      System.out.println("Java " + version);
      return;
    }
    Protocol.emit("versions", "library", version, "runtime", "java", "runtime_version", version);
    if (args.length != 1) {
      Protocol.emit("error", "type", "usage", "message", "JdkDriver URL");
      System.exit(2);
    }
    Optional<Duration> closeAfter = Protocol.setting("WSREPRO_CLOSE_AFTER_MS");
    if (closeAfter.isEmpty()) {
      Protocol.unsupportedSetting("WSREPRO_CLOSE_TIMEOUT_MS", "java.net.http.WebSocket has no close timeout");
    }
    Protocol.emit("api", "api", "java.net.http.WebSocket.Builder.buildAsync");
    Protocol.emit("connecting", "url", args[0]);
    CountDownLatch done = new CountDownLatch(1);
    AtomicInteger status = new AtomicInteger(1);
    AtomicLong pingSentNanos = new AtomicLong(0);
    WebSocket.Listener listener = new WebSocket.Listener() {
      @Override public void onOpen(WebSocket ws) {
        Protocol.emit("connected");
        ws.request(1);
      }
      @Override public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        String text = data.toString();
        Protocol.emit("received", "bytes", text.length(), "text",
            text.substring(0, Math.min(200, text.length())));
        ws.request(1);
        return null;
      }
      @Override public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
        Protocol.emit("received", "bytes", data.remaining(), "text", "");
        ws.request(1);
        return null;
      }
      @Override public CompletionStage<?> onPong(WebSocket ws, ByteBuffer message) {
        pingSentNanos.set(0);
        ws.request(1);
        return null;
      }
      @Override public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
        Protocol.emit("closed", "code", code, "reason", reason);
        status.set(Protocol.normalClose(code) ? 0 : 1);
        // Answer the close; the input is closed once this stage completes.
        return ws.sendClose(WebSocket.NORMAL_CLOSURE, "").whenComplete((r, e) -> done.countDown());
      }
      @Override public void onError(WebSocket ws, Throwable error) {
        Protocol.error(error, "recv");
        Protocol.emit("closed", "code", 1006, "reason", "");
        status.set(1);
        done.countDown();
      }
    };
    HttpClient.Builder http = HttpClient.newBuilder();
    Optional<javax.net.ssl.X509TrustManager> trust = Protocol.trustFromCertFile();
    if (trust.isPresent()) http.sslContext(Protocol.sslContext(trust.get()));
    WebSocket.Builder builder = http.build().newWebSocketBuilder();
    Protocol.setting("WSREPRO_OPEN_TIMEOUT_MS").ifPresent(builder::connectTimeout);
    WebSocket ws;
    try {
      ws = builder.buildAsync(URI.create(args[0]), listener).join();
    } catch (Exception e) {
      Protocol.error(e.getCause() != null ? e.getCause() : e, "connect");
      System.exit(1);
      return;
    }
    String payload = System.getenv("WSREPRO_SEND");
    if (payload != null && !payload.isEmpty()) {
      ws.sendText(payload, true).join();
      Protocol.emit("sent", "bytes", payload.length());
    }
    if (closeAfter.isPresent()) {
      final WebSocket socket = ws;
      Optional<Duration> closeTimeout = Protocol.setting("WSREPRO_CLOSE_TIMEOUT_MS");
      Protocol.after(closeAfter.get(), () -> {
        Protocol.emit("closing", "code", WebSocket.NORMAL_CLOSURE);
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "");
        closeTimeout.ifPresent(limit -> Protocol.after(limit, () -> {
          if (done.getCount() == 0) return;
          Protocol.emit("error", "type", "close_timeout", "message",
              "no close within " + limit.toMillis() + " ms", "call", "close");
          socket.abort();
          Protocol.emit("closed", "code", 1006, "reason", "");
          status.set(1);
          done.countDown();
        }));
      });
    }
    Optional<Duration> interval = Protocol.setting("WSREPRO_PING_INTERVAL_MS");
    ScheduledExecutorService pinger = null;
    if (interval.isPresent()) {
      Duration timeout = Protocol.setting("WSREPRO_PING_TIMEOUT_MS").orElse(interval.get());
      Protocol.emit("keepalive", "interval_ms", interval.get().toMillis(), "timeout_ms", timeout.toMillis());
      pinger = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "wsrepro-ping");
        t.setDaemon(true);
        return t;
      });
      final WebSocket socket = ws;
      pinger.scheduleAtFixedRate(() -> {
        long sent = pingSentNanos.get();
        if (sent != 0 && System.nanoTime() - sent > timeout.toNanos()) {
          Protocol.emit("error", "type", "keepalive_timeout", "message",
              "no pong within " + timeout.toMillis() + " ms");
          socket.abort();
          done.countDown();
          return;
        }
        if (sent == 0) {
          pingSentNanos.set(System.nanoTime());
          socket.sendPing(ByteBuffer.allocate(0));
        }
      }, interval.get().toMillis(), Math.max(1, Math.min(interval.get().toMillis(), 50)),
          TimeUnit.MILLISECONDS);
    }
    done.await();
    if (pinger != null) pinger.shutdownNow();
    if (status.get() != 0) System.exit(status.get());
  }
}
