// wsrepro's driver protocol for the Java drivers (clients/DRIVER-PROTOCOL.md): one JSON event
// per line on stdout, stamped with System.nanoTime() (CLOCK_MONOTONIC on Linux, the harness's
// clock), written whole at once; and the WSREPRO_* settings. Compiled beside each driver.

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

final class Protocol {
  private Protocol() {}

  // Unbuffered: each line is one write(2), so a driver killed at the deadline keeps it.
  private static final FileOutputStream STDOUT = new FileOutputStream(FileDescriptor.out);

  static String json(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
          else out.append(c);
        }
      }
    }
    return out.append('"').toString();
  }

  /** One event; `fields` alternate key, value (String, Number or Boolean). */
  static synchronized void emit(String event, Object... fields) {
    StringBuilder line = new StringBuilder("{\"event\": ").append(json(event));
    line.append(String.format(", \"t\": %.9f", System.nanoTime() / 1e9));
    for (int i = 0; i + 1 < fields.length; i += 2) {
      Object value = fields[i + 1];
      String text = value == null ? "null"
          : value instanceof Number || value instanceof Boolean ? value.toString()
          : json(value.toString());
      line.append(", ").append(json(fields[i].toString())).append(": ").append(text);
    }
    line.append("}\n");
    try {
      STDOUT.write(line.toString().getBytes(StandardCharsets.UTF_8));
    } catch (IOException ignored) {
      // Nobody reads stdout any more: the harness is gone.
    }
  }

  /** A WSREPRO_*_MS duration the scenario set. */
  static Optional<Duration> setting(String name) {
    String value = System.getenv(name);
    if (value == null || value.isEmpty()) return Optional.empty();
    try {
      long ms = Long.parseLong(value);
      return ms < 0 ? Optional.empty() : Optional.of(Duration.ofMillis(ms));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** The scenario set a setting the library has no option for; the driver goes on without. */
  static void unsupportedSetting(String name, String message) {
    if (setting(name).isPresent()) emit("unsupported_setting", "setting", name, "message", message);
  }

  /** Runs `action` once, `delay` from now, on a daemon thread (it never keeps the JVM alive). */
  static void after(Duration delay, Runnable action) {
    Thread t = new Thread(() -> {
      try {
        TimeUnit.NANOSECONDS.sleep(delay.toNanos());
      } catch (InterruptedException e) {
        return;
      }
      action.run();
    }, "wsrepro-after");
    t.setDaemon(true);
    t.start();
  }

  /**
   * The trust a program adds for a private CA: the certificates of SSL_CERT_FILE (set by wsrepro
   * over wss://, naming its throwaway CA) as the only trusted roots. Java ignores that variable
   * by itself. Empty when it is unset; an unreadable file is reported and also empty.
   */
  static Optional<X509TrustManager> trustFromCertFile() {
    String file = System.getenv("SSL_CERT_FILE");
    if (file == null || file.isEmpty()) return Optional.empty();
    try (InputStream in = new FileInputStream(file)) {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int index = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        store.setCertificateEntry("ca" + index++, c);
      }
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      for (TrustManager tm : factory.getTrustManagers()) {
        if (tm instanceof X509TrustManager x509) return Optional.of(x509);
      }
    } catch (Exception e) {
      error(e, "trust");
    }
    return Optional.empty();
  }

  static SSLContext sslContext(X509TrustManager trust) throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {trust}, null);
    return context;
  }

  static boolean normalClose(int code) {
    return code == 1000 || code == 1001 || code == 1005;
  }

  static void error(Throwable t, String call) {
    emit("error", "type", t.getClass().getSimpleName(), "message", String.valueOf(t.getMessage()),
        "call", call);
  }
}
