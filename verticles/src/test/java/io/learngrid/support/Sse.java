package io.learngrid.support;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A server-sent-event client on a plain socket, so that a test controls the connection exactly:
 * it reads events one at a time and can drop the connection in the middle of a stream.
 */
public final class Sse implements AutoCloseable {

  private final Socket socket;
  private final InputStream in;
  private final int status;
  private final Map<String, String> headers;
  private final boolean chunked;
  private byte[] chunk = new byte[0];
  private int position;
  private boolean ended;

  private Sse(Socket socket, InputStream in, int status, Map<String, String> headers) {
    this.socket = socket;
    this.in = in;
    this.status = status;
    this.headers = headers;
    this.chunked = "chunked".equalsIgnoreCase(headers.get("transfer-encoding"));
  }

  public static Sse post(String base, String path, JsonObject body, String token) throws IOException {
    URI uri = URI.create(base);
    Socket socket = new Socket(uri.getHost(), uri.getPort());
    socket.setSoTimeout(30_000);
    byte[] bytes = body.encode().getBytes(StandardCharsets.UTF_8);
    OutputStream out = socket.getOutputStream();
    out.write(("POST " + path + " HTTP/1.1\r\nHost: " + uri.getHost() + "\r\nAuthorization: Bearer " + token
        + "\r\nContent-Type: application/json\r\nAccept: text/event-stream\r\nContent-Length: " + bytes.length
        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(bytes);
    out.flush();
    return read(socket);
  }

  /** A GET of an event stream; {@code headers} such as Last-Event-ID; {@code token} null for none. */
  public static Sse get(String base, String path, String token, Map<String, String> headers) throws IOException {
    URI uri = URI.create(base);
    Socket socket = new Socket(uri.getHost(), uri.getPort());
    socket.setSoTimeout(30_000);
    StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: " + uri.getHost()
        + "\r\nAccept: text/event-stream\r\n");
    if (token != null) {
      request.append("Authorization: Bearer ").append(token).append("\r\n");
    }
    headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
    OutputStream out = socket.getOutputStream();
    out.write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return read(socket);
  }

  /** Stops reading from the socket for a while: the server's writes back up (a slow client). */
  public Socket socket() {
    return socket;
  }

  private static Sse read(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    String statusLine = line(in);
    int status = Integer.parseInt(statusLine.split(" ")[1]);
    Map<String, String> headers = new HashMap<>();
    for (String header = line(in); !header.isEmpty(); header = line(in)) {
      int colon = header.indexOf(':');
      headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim());
    }
    return new Sse(socket, in, status, headers);
  }

  public int status() {
    return status;
  }

  public String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }

  /** The body of a reply that is not a stream (a problem+json). */
  public JsonObject json() throws IOException {
    int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
    return new JsonObject(new String(in.readNBytes(length), StandardCharsets.UTF_8));
  }

  /** The next event's text without its blank line ({@code data: …} or {@code : ping}); null at the end. */
  public String next() throws IOException {
    ByteArrayOutputStream event = new ByteArrayOutputStream();
    int previous = -1;
    while (true) {
      int b = read();
      if (b < 0) {
        return null;
      }
      if (b == '\n' && previous == '\n') {
        return event.toString(StandardCharsets.UTF_8).trim();
      }
      event.write(b);
      previous = b;
    }
  }

  /** Every remaining event; the list ends early (without a done event) when the stream is cut. */
  public List<String> rest() {
    List<String> events = new ArrayList<>();
    try {
      for (String event = next(); event != null; event = next()) {
        events.add(event);
      }
    } catch (IOException e) {
      // a reset connection: the events so far are the answer
    }
    return events;
  }

  private int read() throws IOException {
    if (!chunked) {
      return in.read();
    }
    if (position == chunk.length) {
      if (ended) {
        return -1;
      }
      String size = line(in);
      if (size.isEmpty()) {
        size = line(in);
      }
      if (size.isEmpty()) {
        return -1;
      }
      int length = Integer.parseInt(size.split(";")[0].trim(), 16);
      if (length == 0) {
        ended = true;
        return -1;
      }
      chunk = in.readNBytes(length);
      if (chunk.length < length) {
        ended = true;
        return -1;
      }
      position = 0;
    }
    return chunk[position++] & 0xff;
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        if (line.size() == 0) {
          return "";
        }
        break;
      }
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
