package io.learngrid.support;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A webhook receiver on loopback, as a school's system would run one: it records every delivery
 * (raw body and Learngrid-Signature), dedupes by the event's id, and can be told to fail (503, an
 * outage) or to hold requests without answering (the sender dies meanwhile).
 */
public final class WebhookReceiver implements AutoCloseable {

  public enum Mode { ACCEPT, FAIL, HOLD }

  /** One POST as it arrived. */
  public record Delivery(String body, String signature, long receivedAtMillis) {
    public JsonObject json() {
      return new JsonObject(body);
    }
  }

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
  private final Map<String, JsonObject> byId = new ConcurrentHashMap<>();
  private final AtomicInteger held = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();
  private volatile Mode mode = Mode.ACCEPT;

  public WebhookReceiver() {
    server = vertx.createHttpServer().requestHandler(this::handle);
    try {
      server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("the webhook receiver did not start", e);
    }
  }

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      Mode now = mode;
      if (now == Mode.HOLD) {
        held.incrementAndGet();
        return; // no answer: the sender's attempt hangs until it dies or times out
      }
      deliveries.add(new Delivery(body.toString(StandardCharsets.UTF_8), request.getHeader("Learngrid-Signature"),
          System.currentTimeMillis()));
      if (now == Mode.FAIL) {
        refused.incrementAndGet();
        request.response().setStatusCode(503).end("down for maintenance");
        return;
      }
      JsonObject event = new JsonObject(body);
      byId.putIfAbsent(event.getString("id"), event);
      request.response().setStatusCode(204).end();
    });
  }

  public String url() {
    return "http://127.0.0.1:" + server.actualPort() + "/hooks/learngrid";
  }

  public void mode(Mode mode) {
    this.mode = mode;
  }

  /** Every POST that got a 2xx or a 503 (held ones are not answered and not listed). */
  public List<Delivery> deliveries() {
    return List.copyOf(deliveries);
  }

  /** The events accepted, each once, by id. */
  public Map<String, JsonObject> events() {
    return Map.copyOf(byId);
  }

  public int held() {
    return held.get();
  }

  public int refused() {
    return refused.get();
  }

  /** Whether {@code delivery}'s Learngrid-Signature is the HMAC of its body under {@code secret}. */
  public static boolean verifies(Delivery delivery, String secret) throws Exception {
    String t = null;
    String v1 = null;
    for (String part : delivery.signature().split(",")) {
      if (part.startsWith("t=")) {
        t = part.substring(2);
      } else if (part.startsWith("v1=")) {
        v1 = part.substring(3);
      }
    }
    if (t == null || v1 == null) {
      return false;
    }
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String expected = HexFormat.of().formatHex(mac.doFinal((t + "." + delivery.body()).getBytes(StandardCharsets.UTF_8)));
    long age = System.currentTimeMillis() / 1000 - Long.parseLong(t);
    return expected.equals(v1) && age >= -5 && age <= 300;
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}
