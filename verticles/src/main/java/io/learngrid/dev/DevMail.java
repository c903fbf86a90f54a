package io.learngrid.dev;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The dev node's SMTP server: GreenMail in this process on loopback, taking any sender, recipient
 * and login, keeping every message in memory until the process ends. {@link #messages()} is what
 * {@code GET /dev/mail} lists.
 */
public final class DevMail implements AutoCloseable {

  private final GreenMail server;
  private final int port;

  private DevMail(GreenMail server, int port) {
    this.server = server;
    this.port = port;
  }

  /** Starts listening on 127.0.0.1:{@code port}; fails (IllegalStateException) when the port is taken. */
  public static DevMail start(int port) {
    GreenMail server = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP))
        .withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication());
    server.start();
    return new DevMail(server, port);
  }

  public int port() {
    return port;
  }

  /** The LEARNGRID_SMTP_URL that reaches it. */
  public String url() {
    return "smtp://127.0.0.1:" + port;
  }

  /**
   * {@code [{id, to, subject, text, receivedAt}]}, newest first. Blocking (it copies and parses the
   * stored MIME messages): call it off the event loop.
   */
  public JsonArray messages() {
    MimeMessage[] received = server.getReceivedMessages();
    List<JsonObject> items = IntStream.range(0, received.length).boxed()
        // Newest first; GreenMail's dates have second resolution, so arrival order breaks ties.
        .sorted(Comparator.comparing((Integer i) -> receivedAt(received[i])).thenComparing(i -> i).reversed())
        .map(i -> item(received[i]))
        .toList();
    return new JsonArray(items);
  }

  private static JsonObject item(MimeMessage message) {
    try {
      return new JsonObject()
          .put("id", message.getMessageID())
          .put("to", addresses(message.getRecipients(Message.RecipientType.TO)))
          .put("subject", message.getSubject())
          .put("text", text(message))
          .put("receivedAt", receivedAt(message).toInstant().toString());
    } catch (MessagingException | IOException e) {
      return new JsonObject().put("id", null).put("to", "").put("subject", "(unreadable: " + e.getMessage() + ")")
          .put("text", "").put("receivedAt", receivedAt(message).toInstant().toString());
    }
  }

  private static Date receivedAt(MimeMessage message) {
    try {
      Date received = message.getReceivedDate();
      return received != null ? received : message.getSentDate() != null ? message.getSentDate() : new Date(0);
    } catch (MessagingException e) {
      return new Date(0);
    }
  }

  private static String addresses(Address[] addresses) {
    return addresses == null ? "" : Arrays.stream(addresses).map(Address::toString).collect(Collectors.joining(", "));
  }

  /** The first text/plain part, decoded (quoted-printable, base64, charset). */
  private static String text(Part part) throws MessagingException, IOException {
    if (part.isMimeType("text/plain")) {
      return part.getContent().toString();
    }
    if (part.isMimeType("multipart/*")) {
      Multipart multipart = (Multipart) part.getContent();
      for (int i = 0; i < multipart.getCount(); i++) {
        BodyPart body = multipart.getBodyPart(i);
        String text = text(body);
        if (text != null) {
          return text;
        }
      }
    }
    return part instanceof MimeMessage ? "" : null;
  }

  @Override
  public void close() {
    server.stop();
  }
}
