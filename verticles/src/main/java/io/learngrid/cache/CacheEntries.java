package io.learngrid.cache;

import io.learngrid.bus.Bus;
import io.learngrid.bus.BusError;
import io.learngrid.bus.Done;
import io.learngrid.bus.cache.CacheClear;
import io.learngrid.bus.cache.CacheCount;
import io.learngrid.bus.cache.CacheEntry;
import io.learngrid.bus.cache.CacheFill;
import io.learngrid.bus.cache.CacheInvalidate;
import io.learngrid.bus.cache.CacheLockRenew;
import io.learngrid.bus.cache.CacheLookup;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Cache-aside entries: lookup (with the load lock), fill, lock renewal, invalidation and the admin
 * clear. Generations make a fill lose against an invalidation that came after its lookup.
 */
final class CacheEntries {

  // Cache entries live under "cache:", their generations under "cache-gen:" and load locks under
  // "cache-lock:", so that a clear can SCAN its own namespace and nothing else in a shared Redis.
  static final String ENTRY = "cache:";
  static final String GENERATION = "cache-gen:";
  static final String LOCK = "cache-lock:";
  // A generation only has to outlive the longest load between a lookup and its fill; generations
  // are Redis clock microseconds, so one that expired and comes back never repeats an old value.
  private static final String GENERATION_TTL_SECONDS = "3600";
  private static final int SCAN_COUNT = 500;

  /**
   * Lock tokens: a random prefix per verticle and a counter, unique in the cluster without a
   * SecureRandom draw on every lookup.
   */
  private final String lockTokens = UUID.randomUUID() + ":";
  private final AtomicLong lockCount = new AtomicLong();
  private final CacheRedis redis;
  private final LuaScript lookup;
  private final LuaScript fill;
  private final LuaScript release;
  private final LuaScript renew;
  private final LuaScript invalidate;

  CacheEntries(CacheRedis redis) {
    this.redis = redis;
    this.lookup = redis.script("lookup");
    this.fill = redis.script("fill");
    this.release = redis.script("release");
    this.renew = redis.script("renew");
    this.invalidate = redis.script("invalidate");
  }

  List<MessageConsumer<JsonObject>> serve(Vertx vertx) {
    return List.of(
        Bus.serve(vertx, CacheLookup.ENDPOINT, this::lookup),
        Bus.serve(vertx, CacheFill.ENDPOINT, this::fill),
        Bus.serve(vertx, CacheLockRenew.ENDPOINT, this::renew),
        Bus.serve(vertx, CacheInvalidate.ENDPOINT, this::invalidate),
        Bus.serve(vertx, CacheClear.ENDPOINT, this::clear));
  }

  Future<CacheEntry> lookup(CacheLookup request) {
    String key = request.key();
    String token = lockTokens + Long.toString(lockCount.incrementAndGet());
    return redis.run(lookup, List.of(ENTRY + key, GENERATION + key, LOCK + key),
            List.of(Long.toString(Math.max(0, request.lockMillis())), token))
        .map(reply -> new CacheEntry(reply.get(0).toInteger() == 1 ? reply.get(1).toString() : null,
            Long.parseLong(reply.get(2).toString()), reply.get(3).toInteger() == 1 ? token : null));
  }

  Future<Done> fill(CacheFill request) {
    String key = request.key();
    String token = request.lockToken() == null ? "" : request.lockToken();
    if (request.value() == null && !token.isEmpty()) {
      // The load failed: nothing to store, and the lock goes at once so that others load themselves.
      return redis.run(release, List.of(LOCK + key), List.of(token)).map(released -> Done.INSTANCE);
    }
    if (request.ttlSeconds() <= 0 || request.value() == null) {
      return Future.failedFuture(BusError.BAD_REQUEST.exception("a fill needs a value and a positive ttlSeconds"));
    }
    return redis.run(fill, List.of(ENTRY + key, GENERATION + key, LOCK + key), List.of(request.value(),
            Integer.toString(request.ttlSeconds()), Long.toString(request.generation()), token))
        .map(ok -> Done.INSTANCE);
  }

  Future<Done> renew(CacheLockRenew request) {
    if (request.lockToken() == null || request.lockMillis() <= 0) {
      return Future.failedFuture(BusError.BAD_REQUEST.exception("a renewal needs the lock's token and a positive lockMillis"));
    }
    return redis.run(renew, List.of(LOCK + request.key()),
            List.of(request.lockToken(), Long.toString(request.lockMillis())))
        .map(renewed -> Done.INSTANCE);
  }

  Future<Done> invalidate(CacheInvalidate request) {
    if (request.keys() == null || request.keys().isEmpty()) {
      return Future.succeededFuture(Done.INSTANCE);
    }
    List<String> keys = new ArrayList<>(request.keys().size() * 2);
    for (String key : request.keys()) {
      keys.add(ENTRY + key);
      keys.add(GENERATION + key);
    }
    return redis.run(invalidate, keys, List.of(GENERATION_TTL_SECONDS)).map(ok -> Done.INSTANCE);
  }

  /** SCAN and UNLINK, page by page, each page under the command deadline; never KEYS or FLUSH. */
  Future<CacheCount> clear(CacheClear request) {
    List<String> prefixes = request.prefixes() == null || request.prefixes().isEmpty() ? List.of("") : request.prefixes();
    Future<Long> deleted = Future.succeededFuture(0L);
    for (String prefix : prefixes) {
      deleted = deleted.compose(sum -> scanAndUnlink(ENTRY + prefix.replaceAll("([*?\\[\\]\\\\])", "\\\\$1") + "*", "0", sum));
    }
    return deleted.map(sum -> new CacheCount(sum, 0));
  }

  private Future<Long> scanAndUnlink(String pattern, String cursor, long deleted) {
    return redis.deadline(redis.api().scan(List.of(cursor, "MATCH", pattern, "COUNT", Integer.toString(SCAN_COUNT))))
        .compose(page -> {
          String next = page.get(0).toString();
          List<String> keys = new ArrayList<>();
          page.get(1).forEach(key -> keys.add(key.toString()));
          Future<Long> unlinked = keys.isEmpty()
              ? Future.succeededFuture(0L)
              : redis.deadline(redis.api().unlink(keys)).map(Response::toLong);
          return unlinked.compose(count -> "0".equals(next)
              ? Future.succeededFuture(deleted + count)
              : scanAndUnlink(pattern, next, deleted + count));
        });
  }
}
