package io.learngrid.bridge;

import io.learngrid.bus.BusError;
import io.learngrid.bus.jobs.ClaimJobs;
import io.learngrid.config.LearngridConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.eventbus.bridge.tcp.BridgeEvent;
import io.vertx.ext.eventbus.bridge.tcp.impl.protocol.FrameHelper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every frame a bridged worker sends passes here before the bridge acts on it. A connection's
 * first frame must be a ping carrying the shared secret ({@code {"type": "ping", "headers":
 * {"secret": …}}}); a wrong one closes it. After that only requests to {@link BridgeVerticle#INBOUND}
 * pass, a claim only for the kinds LEARNGRID_BRIDGE_KINDS names, and a request's headers are cut
 * to its timeout, so nothing a worker sends picks a codec or reaches a handler as a header.
 *
 * <p>Runs on the bridge verticle's event loop, so its map of connections needs no locking.
 */
final class BridgeGuard implements Handler<BridgeEvent> {

  private static final Logger LOG = LoggerFactory.getLogger(BridgeGuard.class);
  /** The longest a bridged request may wait for its reply; a claim or finish takes milliseconds. */
  static final long MAX_TIMEOUT_MILLIS = 120_000;
  static final int MAX_CLAIM = 100;
  static final int MAX_OWNER_LENGTH = 200;
  /** A lease shorter than a renewal round trip is lost at once; a longer one than 10 min hides a dead worker. */
  static final long MIN_LEASE_MILLIS = 1_000;
  static final long MAX_LEASE_MILLIS = 600_000;

  private final LearngridConfig.Bridge settings;
  private final byte[] secret;
  /** Connections that sent a frame: false until they authenticated. */
  private final Map<NetSocket, Boolean> connections = new HashMap<>();
  private final MeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  BridgeGuard(LearngridConfig.Bridge settings, MeterRegistry registry) {
    this.settings = settings;
    this.secret = settings.secret().getBytes(StandardCharsets.UTF_8);
    this.registry = registry;
    Gauge.builder("learngrid.bridge.connections", connections, map -> map.values().stream().filter(b -> b).count())
        .description("Authenticated connections of bridged workers on this node").register(registry);
  }

  @Override
  public void handle(BridgeEvent event) {
    NetSocket socket = event.socket();
    BridgeEventType type = event.type();
    if (type == BridgeEventType.REGISTERED) {
      event.complete(true);
      return;
    }
    Boolean authenticated = connections.get(socket);
    if (authenticated == null) {
      if (connections.size() >= settings.maxConnections()) {
        refuseConnection(event, "connections", "this node takes at most " + settings.maxConnections()
            + " bridge connections");
        return;
      }
      connections.put(socket, false);
      socket.closeHandler(closed -> connections.remove(socket));
      authenticated = false;
    }
    counter("learngrid.bridge.frames", "direction", "in", "type", typeName(type)).increment();
    JsonObject frame = event.getRawMessage();
    if (!authenticated) {
      if (type == BridgeEventType.SOCKET_PING && secretMatches(frame.getValue("headers"))) {
        connections.put(socket, true);
        LOG.info("bridge worker connected from " + socket.remoteAddress());
        pong(event);
      } else {
        LOG.warn("bridge connection from " + socket.remoteAddress() + " refused: its first frame was "
            + (type == BridgeEventType.SOCKET_PING ? "a ping with a wrong or missing secret" : "not the authenticating ping"));
        refuseConnection(event, "secret", "authentication failed");
      }
      return;
    }
    if (type == BridgeEventType.SOCKET_PING) {
      pong(event);
      return;
    }
    Refusal refusal = refusal(type, frame);
    if (refusal != null) {
      LOG.warn("bridge frame from " + socket.remoteAddress() + " refused: " + refusal.message());
      counter("learngrid.bridge.rejected", "reason", refusal.reason()).increment();
      String replyAddress = frame.getValue("replyAddress") instanceof String reply ? reply : null;
      if (replyAddress != null) {
        // Addressed, so a waiting request fails at once instead of at its deadline; the bridge's
        // own refusal that follows carries no address.
        FrameHelper.sendErrFrame(String.valueOf(frame.getValue("address")), replyAddress,
            new ReplyException(ReplyFailure.RECIPIENT_FAILURE, BusError.FORBIDDEN.code(), refusal.message()), socket);
      }
      event.complete(false);
      return;
    }
    frame.put("headers", headers(frame.getValue("headers")));
    if (frame.getString("address").equals(ClaimJobs.ADDRESS)) {
      // The lease says who holds the job: a bridged worker, and which.
      JsonObject body = frame.getJsonObject("body");
      body.put("owner", "bridge/" + body.getString("owner"));
    }
    counter("learngrid.bridge.frames", "direction", "out", "type", "reply").increment();
    event.complete(true);
  }

  /** Why a frame is refused: {@code reason} is the metric's tag, {@code message} what the worker is told. */
  private record Refusal(String reason, String message) {}

  /** Why an authenticated frame may not pass, or null. */
  private Refusal refusal(BridgeEventType type, JsonObject frame) {
    if (type != BridgeEventType.SEND) {
      return new Refusal("frame", "only requests (send) cross the bridge, not " + typeName(type));
    }
    String address = frame.getValue("address") instanceof String text ? text : null;
    if (address == null || !BridgeVerticle.INBOUND.contains(address)) {
      return new Refusal("address", "address " + shown(address) + " is not bridgeable (open: " + BridgeVerticle.INBOUND + ")");
    }
    if (!(frame.getValue("replyAddress") instanceof String reply) || reply.isEmpty() || reply.length() > 200) {
      return new Refusal("frame", "a request needs a replyAddress of 1 to 200 characters");
    }
    if (!(frame.getValue("body") instanceof JsonObject body)) {
      return new Refusal("frame", "a request's body is a JSON object");
    }
    if (address.equals(ClaimJobs.ADDRESS)) {
      Object kind = body.getValue("kind");
      if (!(kind instanceof String named) || !settings.kinds().contains(named)) {
        return new Refusal("kind", "claims of kind " + shown(kind) + " are not open to bridged workers (open: " + settings.kinds() + ")");
      }
      if (!(body.getValue("owner") instanceof String owner) || owner.isEmpty() || owner.length() > MAX_OWNER_LENGTH) {
        return new Refusal("frame", "a claim's owner is a string of 1 to " + MAX_OWNER_LENGTH + " characters");
      }
      if (!(body.getValue("max") instanceof Number max) || max.intValue() < 1 || max.intValue() > MAX_CLAIM) {
        return new Refusal("frame", "a claim's max is 1 to " + MAX_CLAIM);
      }
      if (!(body.getValue("leaseMillis") instanceof Number lease) || lease.longValue() < MIN_LEASE_MILLIS
          || lease.longValue() > MAX_LEASE_MILLIS) {
        return new Refusal("frame", "a claim's leaseMillis is " + MIN_LEASE_MILLIS + " to " + MAX_LEASE_MILLIS);
      }
    }
    return null;
  }

  /** Only the timeout, bounded; a missing one is the bridge's default (30 s). */
  private static JsonObject headers(Object sent) {
    JsonObject kept = new JsonObject();
    if (sent instanceof JsonObject headers && headers.getValue("timeout") instanceof Number timeout) {
      kept.put("timeout", Math.max(1, Math.min(MAX_TIMEOUT_MILLIS, timeout.longValue())));
    }
    return kept;
  }

  private boolean secretMatches(Object headers) {
    Object sent = headers instanceof JsonObject named ? named.getValue("secret") : null;
    return sent instanceof String text && MessageDigest.isEqual(secret, text.getBytes(StandardCharsets.UTF_8));
  }

  private void pong(BridgeEvent event) {
    counter("learngrid.bridge.frames", "direction", "out", "type", "pong").increment();
    event.getRawMessage().remove("headers");
    event.complete(true);
  }

  /**
   * Counts, says why, then closes (the bridge's own refusal would be written after the close, and
   * lost). Counted first: whoever sees the close may read the metric at once.
   */
  private void refuseConnection(BridgeEvent event, String reason, String why) {
    counter("learngrid.bridge.rejected", "reason", reason).increment();
    FrameHelper.sendErrFrame(why, event.socket());
    event.socket().close();
    event.complete(false);
  }

  void closeAll() {
    List.copyOf(connections.keySet()).forEach(NetSocket::close);
  }

  private Counter counter(String name, String... tags) {
    return counters.computeIfAbsent(name + String.join(",", tags), key -> Counter.builder(name).tags(tags)
        .description(name.endsWith("rejected")
            ? "Bridge frames and connections refused, by reason (secret, connections, address, kind, frame)"
            : "Bridge frames by direction (in: every frame a worker sent; out: the pong or reply each accepted one gets)")
        .register(registry));
  }

  private static String typeName(BridgeEventType type) {
    return switch (type) {
      case SOCKET_PING -> "ping";
      case SEND -> "send";
      case PUBLISH -> "publish";
      case REGISTER -> "register";
      case UNREGISTER -> "unregister";
      default -> type.name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  /** A worker's value in a log line or a refusal: at most 100 characters, control characters as '?'. */
  private static String shown(Object value) {
    String text = String.valueOf(value).replaceAll("\\p{Cntrl}", "?");
    return "'" + (text.length() > 100 ? text.substring(0, 100) + "…" : text) + "'";
  }
}
