package io.learngrid.ai;

import io.learngrid.bus.BusClient;
import io.learngrid.bus.BusError;
import io.learngrid.bus.BusJson;
import io.learngrid.bus.cache.CacheFill;
import io.learngrid.bus.cache.CacheLockRenew;
import io.learngrid.bus.cache.CacheLookup;
import io.learngrid.bus.ai.ChatMessage;
import io.learngrid.bus.ai.ChatReply;
import io.learngrid.bus.ai.ChatRequest;
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
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Exact-match reply cache in the cache role, keyed by a hash of the model and the normalised
 * messages, with single-flight across the cluster: identical prompts in flight at once cost one
 * upstream call. On one node the callers share one future; across nodes, the first lookup to miss
 * takes the key's load lock in Redis, and the other nodes poll for the reply it stores. A cache
 * role that does not answer is a miss, never a failure.
 *
 * <p>A chat's lock is short ({@value #LOCK_MILLIS} ms) and renewed while the call runs, so a node
 * that dies mid-call holds up the others for seconds, not for a whole call's time limit. A job's
 * generation locks for twice the time limit instead ({@link #lockMillis}): a node that pauses
 * (a long GC, SIGSTOP) loses its job's lease to another node, whose retry of the same prompt then
 * waits for the reply the paused node's call still brings, rather than paying for the generation
 * a second time; a node that died holds the retry up until its lock runs out.
 */
final class ResponseCache {

  private static final Pattern SPACES = Pattern.compile("\\s+");
  static final long LOCK_MILLIS = 3_000;
  static final long RENEW_MILLIS = 1_000;
  private static final long POLL_MILLIS = 200;

  /**
   * What the cache role said of a key: the cached reply, or a miss with the key's generation and,
   * when this caller now holds its load lock, the lock's token. {@code reachable} is false when the
   * cache role did not answer.
   */
  record Lookup(ChatReply hit, long generation, String lockToken, boolean reachable) {
    static final Lookup UNREACHABLE = new Lookup(null, 0, null, false);
    static final Lookup NOT_CACHED = new Lookup(null, 0, null, true);

    boolean holdsLock() {
      return lockToken != null;
    }

    /** What the cache role replied: the stored JSON of a reply (null: a miss), its generation, the lock's token. */
    static Lookup of(String value, long generation, String lockToken) {
      return new Lookup(value == null ? null : BusJson.fromJson(new JsonObject(value), ChatReply.class), generation,
          lockToken, true);
    }
  }

  private final Vertx vertx;
  private final LearngridConfig.Ai settings;
  private final AiMetrics metrics;
  private final BusClient cache;
  /** Calls in flight by key; the verticle is one instance on one event loop, so a plain map is safe. */
  private final Map<String, Future<ChatReply>> inFlight = new HashMap<>();

  ResponseCache(Vertx vertx, LearngridConfig.Ai settings, AiMetrics metrics, long timeoutMillis) {
    this.vertx = vertx;
    this.settings = settings;
    this.metrics = metrics;
    this.cache = new BusClient(vertx, timeoutMillis);
  }

  /** How long a caller's load lock holds before it must be renewed: see the class comment. */
  long lockMillis(String purpose) {
    return isGeneration(purpose) ? 2 * settings.timeoutMillis() : LOCK_MILLIS;
  }

  /** Seconds a reply for {@code purpose} is kept; 0 means replies for it are not cached. */
  int ttlSeconds(String purpose) {
    return isGeneration(purpose) ? settings.generationCacheSeconds() : settings.chatCacheSeconds();
  }

  /** A job's generation (questions, a lesson plan), as opposed to a chat. */
  private static boolean isGeneration(String purpose) {
    return ChatRequest.QUESTIONS.equals(purpose) || ChatRequest.LESSON_PLAN.equals(purpose);
  }

  /**
   * SHA-256 of the model and the messages with roles lower-cased and runs of white space in the
   * content folded to one space (trimmed): prompts that differ only in layout share a reply.
   */
  static String key(String model, List<ChatMessage> messages) {
    return key(model, messages, null);
  }

  /**
   * As {@link #key(String, List)}, with a request's OpenAI options (temperature, tools, raw
   * messages, ...) in the hash as they came: a different option is a different reply.
   */
  static String key(String model, List<ChatMessage> messages, JsonObject options) {
    JsonArray canonical = new JsonArray().add(model);
    if (options != null && !options.isEmpty()) {
      canonical.add(options);
    }
    for (ChatMessage message : messages) {
      canonical.add(new JsonArray()
          .add(message.role().toLowerCase(Locale.ROOT))
          .add(SPACES.matcher(message.content()).replaceAll(" ").trim()));
    }
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(canonical.encode().getBytes(StandardCharsets.UTF_8));
      // The cache role stores it as cache:ai:reply:<hash>, where the admin clear's "ai" scope finds it.
      return "ai:reply:" + HexFormat.of().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /**
   * Looks {@code key} up; on a miss, with {@code lockMillis} above 0, also takes its load lock for
   * that long when nobody holds it. A caller that got the lock must {@link #fill} or {@link #release} it.
   */
  Future<Lookup> lookup(String key, int ttlSeconds, long lockMillis) {
    if (ttlSeconds <= 0) {
      return Future.succeededFuture(Lookup.NOT_CACHED);
    }
    return cache.request(CacheLookup.ENDPOINT, new CacheLookup(key, lockMillis))
        .map(entry -> Lookup.of(entry.value(), entry.generation(), entry.lockToken()))
        .otherwise(Lookup.UNREACHABLE);
  }

  /** Stores {@code reply} (unless the key was cleared since {@code lookup}) and releases the lock it took. */
  void fill(String key, ChatReply reply, int ttlSeconds, Lookup lookup) {
    if (ttlSeconds > 0) {
      cache.request(CacheFill.ENDPOINT, new CacheFill(key, reply.toJson().encode(), ttlSeconds, lookup.generation(),
          lookup.lockToken()));
    }
  }

  /** Gives up the lock {@code lookup} took, so that other nodes waiting for the reply call the upstream at once. */
  void release(String key, Lookup lookup) {
    if (lookup.holdsLock()) {
      cache.request(CacheFill.ENDPOINT, new CacheFill(key, null, 0, lookup.generation(), lookup.lockToken()));
    }
  }

  /**
   * The reply to a prompt that missed the cache ({@code first}): shared with the call in flight on
   * this node if there is one; else {@code call}ed and stored when {@code first} holds the lock (or
   * the cache role is away); else the reply another node is calling for, polled for until it is
   * stored or the lock passes to this caller (that node's call failed, or the node died). Replies
   * this caller did not pay for are marked cached.
   */
  Future<ChatReply> once(String key, int ttlSeconds, long lockMillis, Lookup first, Supplier<Future<ChatReply>> call) {
    Future<ChatReply> running = inFlight.get(key);
    if (running != null) {
      // A lock this lookup took (its last holder let go meanwhile) is released: the flight takes it
      // at its next poll, or has its own.
      release(key, first);
      return running.map(ResponseCache::cached);
    }
    Waiting waiting = new Waiting();
    // Long enough for the other node's lock to run out, when it never fills it.
    long deadline = System.nanoTime()
        + TimeUnit.MILLISECONDS.toNanos(Math.max(settings.timeoutMillis(), lockMillis) + POLL_MILLIS);
    Future<ChatReply> started = load(key, ttlSeconds, lockMillis, first, call, deadline, waiting)
        .andThen(done -> waiting.stop());
    if (!started.isComplete()) {
      inFlight.put(key, started);
      started.onComplete(done -> inFlight.remove(key));
    }
    return started;
  }

  private Future<ChatReply> load(String key, int ttlSeconds, long lockMillis, Lookup lookup,
                                 Supplier<Future<ChatReply>> call, long deadline, Waiting waiting) {
    if (lookup.hit() != null) {
      return Future.succeededFuture(cached(lookup.hit()));
    }
    if (lookup.holdsLock() || !lookup.reachable()) {
      waiting.stop();
      return callHolding(key, ttlSeconds, lockMillis, lookup, call);
    }
    if (System.nanoTime() - deadline > 0) {
      // The other node still renews its lock: its call is alive but slower than this one may wait.
      return Future.failedFuture(BusError.UNAVAILABLE.exception(
          "an identical AI request on another node did not finish within the time limit"));
    }
    waiting.start();
    return delay(POLL_MILLIS)
        .compose(v -> lookup(key, ttlSeconds, lockMillis))
        .compose(next -> load(key, ttlSeconds, lockMillis, next, call, deadline, waiting));
  }

  /** Calls the upstream; while it runs, the lock {@code lookup} took is renewed, and after it filled or released. */
  private Future<ChatReply> callHolding(String key, int ttlSeconds, long lockMillis, Lookup lookup,
                                        Supplier<Future<ChatReply>> call) {
    long renewals = lookup.holdsLock()
        ? vertx.setPeriodic(RENEW_MILLIS, id -> cache.request(CacheLockRenew.ENDPOINT,
            new CacheLockRenew(key, lookup.lockToken(), lockMillis)))
        : -1;
    return call.get().andThen(done -> {
      vertx.cancelTimer(renewals);
      if (done.succeeded()) {
        fill(key, done.result(), ttlSeconds, lookup);
      } else {
        release(key, lookup);
      }
    });
  }

  static ChatReply cached(ChatReply reply) {
    return new ChatReply(reply.message(), reply.model(), reply.usage(), true, reply.finishReason(), reply.toolCalls(), 0);
  }

  private Future<Void> delay(long millis) {
    return Future.future(promise -> vertx.setTimer(millis, id -> promise.complete()));
  }

  /** Whether one flight counts in {@code learngrid_ai_single_flight_waiting} now: while it polls another node. */
  private final class Waiting {
    private boolean counted;

    void start() {
      if (!counted) {
        counted = true;
        metrics.waitingForOtherNode.incrementAndGet();
      }
    }

    void stop() {
      if (counted) {
        counted = false;
        metrics.waitingForOtherNode.decrementAndGet();
      }
    }
  }
}
