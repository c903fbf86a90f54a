package io.learngrid.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.NodeSettings;
import io.learngrid.support.TestNode;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Slow clients are cut off, and one address cannot hold every connection. The node trusts no proxy
 * here (LEARNGRID_TRUSTED_PROXIES empty), so the test's loopback clients count against the cap.
 */
@DisplayName("Slow clients: header and body deadlines, and connections per address")
class SlowClientsTest {

  static final int CAP = 6;
  static TestNode node;
  static int port;

  @BeforeAll
  static void start() {
    node = NodeSettings.defaults()
        .with("TRUSTED_PROXIES", "")
        .with("HTTP_HEADER_TIMEOUT_MS", 3_000)
        .with("HTTP_BODY_TIMEOUT_MS", 3_000)
        .with("HTTP_MAX_CONNECTIONS_PER_ADDRESS", CAP)
        .start();
    port = URI.create(node.api().base()).getPort();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  /** Reads until the node closes the connection (true) or the socket's 8 s deadline passes (false). */
  private static boolean closedByNode(Socket socket) throws Exception {
    socket.setSoTimeout(8_000);
    InputStream in = socket.getInputStream();
    try {
      while (in.read() >= 0) {
        // a reply (there should be none) is read past
      }
      return true;
    } catch (SocketException reset) {
      return true;
    } catch (java.net.SocketTimeoutException open) {
      return false;
    }
  }

  private static String get(String path) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(8_000);
      socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  /** One GET /health on a kept-alive connection: the reply's head and body, read by its Content-Length. */
  private static String servedKeptAlive(Socket socket) throws Exception {
    socket.setSoTimeout(8_000);
    socket.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    InputStream in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        return head.toString();
      }
      head.append((char) b);
    }
    java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
    int body = length.find() ? Integer.parseInt(length.group(1)) : 0;
    return head + new String(in.readNBytes(body), StandardCharsets.ISO_8859_1);
  }

  @Test
  @DisplayName("a client dribbling its headers a byte at a time is closed at the header deadline, while others are served")
  void dribbledHeaders() throws Exception {
    try (Socket slow = new Socket("127.0.0.1", port)) {
      OutputStream out = slow.getOutputStream();
      byte[] start = "GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.ISO_8859_1);
      out.write(start);
      out.flush();
      assertThat(get("/health")).as("another client meanwhile").startsWith("HTTP/1.1 200 ");
      // A byte every 200 ms keeps the connection busy for the idle timeout, not for the deadline.
      long began = System.nanoTime();
      boolean closed = false;
      slow.setSoTimeout(200);
      while (!closed && System.nanoTime() - began < 8_000_000_000L) {
        try {
          out.write('a');
          out.flush();
          closed = slow.getInputStream().read() < 0;
        } catch (java.net.SocketTimeoutException stillOpen) {
          // no answer yet: dribble on
        } catch (SocketException reset) {
          closed = true;
        }
      }
      assertThat(closed).as("closed by the node").isTrue();
    }
  }

  @Test
  @DisplayName("a body that does not arrive within the body deadline closes the connection")
  void slowBody() throws Exception {
    try (Socket slow = new Socket("127.0.0.1", port)) {
      slow.getOutputStream().write(("POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          + "Content-Length: 100\r\n\r\n{").getBytes(StandardCharsets.ISO_8859_1));
      slow.getOutputStream().flush();
      assertThat(closedByNode(slow)).isTrue();
    }
  }

  @Test
  @DisplayName("past the cap of connections from one address a new one is closed at once; the others still work")
  void connectionsPerAddress() throws Exception {
    List<Socket> open = new ArrayList<>();
    try {
      // Each served once and kept alive: so the node has counted it before the extra one comes.
      for (int i = 0; i < CAP; i++) {
        Socket socket = new Socket("127.0.0.1", port);
        open.add(socket);
        assertThat(servedKeptAlive(socket)).startsWith("HTTP/1.1 200 ");
      }
      try (Socket extra = new Socket("127.0.0.1", port)) {
        extra.setSoTimeout(8_000);
        extra.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        byte[] reply;
        try {
          reply = extra.getInputStream().readAllBytes();
        } catch (SocketException reset) {
          reply = new byte[0];
        }
        assertThat(new String(reply, StandardCharsets.ISO_8859_1)).as("the connection over the cap gets no reply").isEmpty();
      }
      open.removeFirst().close();
      // One fewer: a new connection is served (once the node has seen the close).
      io.learngrid.support.Eventually.within(10, () -> {
        try {
          return get("/health").startsWith("HTTP/1.1 200 ");
        } catch (Exception refused) {
          return false;
        }
      });
    } finally {
      for (Socket socket : open) {
        socket.close();
      }
    }
  }
}
