// A client that hangs where a test can find it: it opens a WebSocket with the JDK's client
// (java.net.http) and then waits in waitForClose() for a close that never comes. Run with the
// source launcher: java HangingClient.java URL
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;

public class HangingClient {
  static void waitForClose(CompletableFuture<Void> closed) {
    closed.join();
  }

  public static void main(String[] args) {
    CompletableFuture<Void> closed = new CompletableFuture<>();
    HttpClient.newHttpClient()
        .newWebSocketBuilder()
        .buildAsync(URI.create(args[0]), new WebSocket.Listener() {})
        .join();
    waitForClose(closed);
  }
}
