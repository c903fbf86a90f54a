package io.learngrid.support;

import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A worker's connection to the TCP event-bus bridge, frame by frame (4-byte length + JSON), as
 * blocking calls a test makes in order. Every read has a deadline: a frame that never comes fails
 * the test instead of hanging it.
 */
public final class BridgeSocket implements AutoCloseable {

  private final Socket socket;
  private final DataInputStream in;
  private final DataOutputStream out;

  public BridgeSocket(int port) throws IOException {
    this(new Socket("127.0.0.1", port));
  }

  /** Over {@code socket}: a TLS one, say. */
  public BridgeSocket(Socket socket) throws IOException {
    this.socket = socket;
    socket.setSoTimeout(10_000);
    in = new DataInputStream(socket.getInputStream());
    out = new DataOutputStream(socket.getOutputStream());
  }

  public void send(JsonObject frame) throws IOException {
    byte[] bytes = frame.encode().getBytes(StandardCharsets.UTF_8);
    out.writeInt(bytes.length);
    out.write(bytes);
    out.flush();
  }

  public JsonObject read() throws IOException {
    int length = in.readInt();
    if (length < 0 || length > 16 * 1024 * 1024) {
      throw new IOException("not a bridge frame (length " + length + ")");
    }
    byte[] bytes = new byte[length];
    in.readFully(bytes);
    return new JsonObject(new String(bytes, StandardCharsets.UTF_8));
  }

  /** The authenticating ping; its answer (a pong, or an error). */
  public JsonObject authenticate(String secret) throws IOException {
    send(new JsonObject().put("type", "ping").put("headers", new JsonObject().put("secret", secret)));
    return read();
  }

  /** A request and its answer: the reply's frame, or the error frame addressed to it. */
  public JsonObject request(String address, JsonObject body) throws IOException {
    String replyAddress = "test." + System.nanoTime();
    send(new JsonObject().put("type", "send").put("address", address).put("replyAddress", replyAddress)
        .put("headers", new JsonObject().put("timeout", 5_000)).put("body", body));
    while (true) {
      JsonObject frame = read();
      if (replyAddress.equals(frame.getString("address"))) {
        return frame;
      }
    }
  }

  /** True when the node closed the connection (reads end) within the socket's deadline. */
  public boolean closedByNode() throws IOException {
    try {
      while (true) {
        read();
      }
    } catch (EOFException | java.net.SocketException closed) {
      return true;
    } catch (SocketTimeoutException open) {
      return false;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
