// wsrepro's driver protocol for the Java drivers (clients/DRIVER-PROTOCOL.md): one JSON event
// per line on stdout, stamped with System.nanoTime() (CLOCK_MONOTONIC on Linux, the harness's
// clock), written whole at once; and the WSREPRO_* settings. Compiled beside each driver.

import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

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

  static boolean normalClose(int code) {
    return code == 1000 || code == 1001 || code == 1005;
  }

  static void error(Throwable t, String call) {
    emit("error", "type", t.getClass().getSimpleName(), "message", String.valueOf(t.getMessage()),
        "call", call);
  }
}
