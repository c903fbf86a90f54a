package io.learngrid.ai;

import io.learngrid.bus.Bus;
import io.learngrid.bus.BusJson;
import io.learngrid.bus.CacheGet;
import io.learngrid.bus.CachePut;
import io.learngrid.bus.CacheValue;
import io.learngrid.bus.ChatMessage;
import io.learngrid.bus.ChatReply;
import io.learngrid.bus.ChatRequest;
import io.learngrid.bus.Done;
import io.learngrid.config.LearngridConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Exact-match reply cache in the cache role, keyed by a hash of the model and the normalised
 * messages, with single-flight: identical prompts in flight at once on this node cost one upstream
 * call, and the others share its reply. A cache role that does not answer is a miss, never a failure.
 */
final class ResponseCache {

  private static final Pattern SPACES = Pattern.compile("\\s+");

  private final Vertx vertx;
  private final LearngridConfig.Ai settings;
  private final long timeoutMillis;
  /** Calls in flight by key; the verticle is one instance on one event loop, so a plain map is safe. */
  private final Map<String, Future<ChatReply>> inFlight = new HashMap<>();

  ResponseCache(Vertx vertx, LearngridConfig.Ai settings, long timeoutMillis) {
    this.vertx = vertx;
    this.settings = settings;
    this.timeoutMillis = timeoutMillis;
  }

  /** Seconds a reply for {@code purpose} is kept; 0 means replies for it are not cached. */
  int ttlSeconds(String purpose) {
    return switch (purpose == null ? ChatRequest.CHAT : purpose) {
      case ChatRequest.QUESTIONS, ChatRequest.LESSON_PLAN -> settings.generationCacheSeconds();
      default -> settings.chatCacheSeconds();
    };
  }

  /**
   * SHA-256 of the model and the messages with roles lower-cased and runs of white space in the
   * content folded to one space (trimmed): prompts that differ only in layout share a reply.
   */
  static String key(String model, List<ChatMessage> messages) {
    JsonArray canonical = new JsonArray().add(model);
    for (ChatMessage message : messages) {
      canonical.add(new JsonArray()
          .add(message.role().toLowerCase(Locale.ROOT))
          .add(SPACES.matcher(message.content()).replaceAll(" ").trim()));
    }
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(canonical.encode().getBytes(StandardCharsets.UTF_8));
      return "cache:ai:reply:" + HexFormat.of().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** The cached reply, or null on a miss, a cache failure, or when replies of this kind are not cached (TTL 0). */
  Future<ChatReply> get(String key, int ttlSeconds) {
    if (ttlSeconds <= 0) {
      return Future.succeededFuture(null);
    }
    return Bus.request(vertx, CacheGet.ADDRESS, new CacheGet(key), timeoutMillis, CacheValue.class)
        .map(value -> value.value() == null ? null
            : BusJson.fromJson(new JsonObject(value.value()), ChatReply.class))
        .otherwise((ChatReply) null);
  }

  void put(String key, ChatReply reply, int ttlSeconds) {
    if (ttlSeconds > 0) {
      Bus.request(vertx, CachePut.ADDRESS, new CachePut(key, reply.toJson().encode(), ttlSeconds), timeoutMillis,
          Done.class);
    }
  }

  /**
   * The reply of the call in flight for {@code key} (marked cached: this caller did not pay for it),
   * or of a new {@code call} that later callers share until it completes.
   */
  Future<ChatReply> singleFlight(String key, Supplier<Future<ChatReply>> call) {
    Future<ChatReply> running = inFlight.get(key);
    if (running != null) {
      return running.map(reply -> new ChatReply(reply.message(), reply.model(), reply.usage(), true));
    }
    Future<ChatReply> started = call.get();
    if (!started.isComplete()) {
      inFlight.put(key, started);
      started.onComplete(done -> inFlight.remove(key));
    }
    return started;
  }
}
