package io.learngrid.cache;

import io.learngrid.bus.Bus;
import io.learngrid.bus.BusError;
import io.learngrid.bus.cache.CacheClear;
import io.learngrid.bus.cache.CacheAdd;
import io.learngrid.bus.cache.CacheCount;
import io.learngrid.bus.cache.CacheDecrement;
import io.learngrid.bus.cache.CacheEntry;
import io.learngrid.bus.cache.CacheFill;
import io.learngrid.bus.cache.CacheGet;
import io.learngrid.bus.cache.CacheIncrement;
import io.learngrid.bus.cache.CacheInvalidate;
import io.learngrid.bus.cache.CacheLockRenew;
import io.learngrid.bus.cache.CacheLookup;
import io.learngrid.bus.cache.CacheValue;
import io.learngrid.bus.Done;
import io.learngrid.bus.Ping;
import io.learngrid.bus.Pong;
import io.learngrid.bus.cache.RateCheck;
import io.learngrid.bus.cache.RateDecision;
import io.learngrid.config.LearngridConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.TimeUnit;

/**
 * The cache role: get, put with TTL and expiring counters on Redis over the bus. The client
 * is pooled, so a connection lost while Redis is away is replaced on the next command once Redis is
 * back; every command has a deadline, so an unreachable Redis costs a caller at most that long.
 */
public final class CacheVerticle extends VerticleBase {

  // One script per counter operation, so Redis runs its commands as one: an INCR whose EXPIRE got
  // lost (a timeout, a dropped connection) would leave a counter that never expires, a block for
  // good. The expiry is set only on a new key, so the window is fixed from the first increment.
  private static final String INCREMENT = """
      local value = redis.call('INCR', KEYS[1])
      if redis.call('PTTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
      return {value, redis.call('PTTL', KEYS[1])}""";
  private static final String ADD = """
      local value = redis.call('INCRBY', KEYS[1], ARGV[2])
      if redis.call('PTTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
      return {value, redis.call('PTTL', KEYS[1])}""";
  private static final String DECREMENT = """
      local value = tonumber(redis.call('GET', KEYS[1]) or '0')
      if value > 0 then value = redis.call('DECR', KEYS[1]) end
      return {value, redis.call('PTTL', KEYS[1])}""";

  // Cache entries live under "cache:", their generations under "cache-gen:" and load locks under
  // "cache-lock:", so that a clear can SCAN its own namespace and nothing else in a shared Redis.
  static final String ENTRY = "cache:";
  private static final String GENERATION = "cache-gen:";
  private static final String LOCK = "cache-lock:";
  // A generation only has to outlive the longest load between a lookup and its fill; generations
  // are Redis clock microseconds, so one that expired and comes back never repeats an old value.
  private static final String GENERATION_TTL_SECONDS = "3600";
  private static final int SCAN_COUNT = 500;

  // The entry, its generation, and on a miss the load lock (SET NX PX, holding the caller's token):
  // one round trip per lookup.
  private static final String LOOKUP = """
      local value = redis.call('GET', KEYS[1])
      local generation = redis.call('GET', KEYS[2]) or '0'
      if value then return {1, value, generation, 0} end
      local loader = 0
      if tonumber(ARGV[1]) > 0 and redis.call('SET', KEYS[3], ARGV[2], 'NX', 'PX', ARGV[1]) then loader = 1 end
      return {0, '', generation, loader}""";
  // Stores only if no invalidation moved the generation since the lookup: a load that read the
  // old row cannot put it back after a write deleted it. The lock goes only if it is still the
  // caller's: one that lapsed and went to another loader stays with that loader.
  private static final String FILL = """
      if (redis.call('GET', KEYS[2]) or '0') == ARGV[3] then
        redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
      end
      if ARGV[4] ~= '' and redis.call('GET', KEYS[3]) == ARGV[4] then redis.call('DEL', KEYS[3]) end
      return 1""";
  private static final String RELEASE = """
      if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
      return 1""";
  private static final String RENEW = """
      if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
      return 1""";
  // KEYS come in pairs (entry, generation); the new generation is the Redis clock in microseconds,
  // or one more than the old one if that is larger.
  private static final String INVALIDATE = """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
      for i = 1, #KEYS, 2 do
        local old = tonumber(redis.call('GET', KEYS[i + 1]) or '0')
        redis.call('SET', KEYS[i + 1], string.format('%d', math.max(old + 1, now)), 'EX', ARGV[1])
        redis.call('DEL', KEYS[i])
      end
      return 1""";
  // GCRA over every key at once, on Redis time: each key holds its theoretical arrival time (ms).
  // Either every limit takes the request or none does, so a refusal costs no budget. Replies
  // {allowed, limit, remaining, reset ms, retry-after ms} of the tightest limit.
  private static final String RATE = """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      local allowed, tightest, limitOut, resetOut, retry = 1, -1, 0, 0, 0
      local next = {}
      for i = 1, #KEYS do
        local limit = tonumber(ARGV[2 * i - 1])
        local period = tonumber(ARGV[2 * i])
        local interval = period / limit
        local tat = math.max(tonumber(redis.call('GET', KEYS[i]) or '0'), now)
        local newTat = tat + interval
        local allowAt = newTat - period
        local remaining = 0
        if allowAt > now then
          allowed = 0
          retry = math.max(retry, allowAt - now)
          next[i] = tat
        else
          remaining = math.floor((now - allowAt) / interval)
          next[i] = newTat
        end
        if tightest < 0 or remaining < tightest then
          tightest, limitOut, resetOut = remaining, limit, next[i] - now
        end
      end
      if allowed == 1 then
        for i = 1, #KEYS do
          redis.call('SET', KEYS[i], string.format('%d', math.ceil(next[i])), 'PX', math.max(1, math.ceil(next[i] - now)))
        end
      end
      return {allowed, limitOut, tightest, math.ceil(resetOut), math.ceil(retry)}""";

  /**
   * Lock tokens: a random prefix per verticle and a counter, unique in the cluster without a
   * SecureRandom draw on every lookup.
   */
  private final String lockTokens = UUID.randomUUID() + ":";
  private final AtomicLong lockCount = new AtomicLong();
  private final LearngridConfig.Redis settings;
  private final long drainMillis;
  private Redis client;
  private RedisAPI redis;

  public CacheVerticle(LearngridConfig config) {
    this.settings = config.redis();
    this.drainMillis = config.shutdown().timeoutMillis();
  }

  @Override
  public Future<?> start() {
    client = Redis.createClient(vertx, new RedisOptions()
        .setConnectionString(settings.url())
        .setMaxPoolSize(settings.poolSize())
        .setMaxPoolWaiting(settings.maxWaitingHandlers())
        .setMaxWaitingHandlers(settings.maxWaitingHandlers())
        .setNetClientOptions(new NetClientOptions()
            .setConnectTimeout((int) settings.commandTimeoutMillis())
            .setTcpNoDelay(true)));
    redis = RedisAPI.api(client);
    Bus.serve(vertx, CacheGet.ENDPOINT, this::get);
    Bus.serve(vertx, CacheIncrement.ENDPOINT, this::increment);
    Bus.serve(vertx, CacheAdd.ENDPOINT, this::add);
    Bus.serve(vertx, CacheDecrement.ENDPOINT, this::decrement);
    Bus.serve(vertx, CacheLookup.ENDPOINT, this::lookup);
    Bus.serve(vertx, CacheFill.ENDPOINT, this::fill);
    Bus.serve(vertx, CacheLockRenew.ENDPOINT, this::renew);
    Bus.serve(vertx, CacheInvalidate.ENDPOINT, this::invalidate);
    Bus.serve(vertx, CacheClear.ENDPOINT, this::clear);
    Bus.serve(vertx, RateCheck.ENDPOINT, this::rate);
    Bus.serve(vertx, Ping.CACHE, ping -> deadline(redis.ping(List.of()))
        .map(pong -> Pong.up())
        .otherwise(failure -> Pong.down(failure.getClass().getSimpleName())));
    // Redis may be down at start: the node still starts and serves from PostgreSQL.
    return Future.succeededFuture();
  }

  private Future<CacheValue> get(CacheGet request) {
    return deadline(redis.get(request.key()))
        .map(value -> new CacheValue(value == null ? null : value.toString()));
  }

  private Future<CacheCount> increment(CacheIncrement request) {
    if (request.ttlSeconds() <= 0) {
      return Future.failedFuture(BusError.BAD_REQUEST.exception("ttlSeconds must be positive"));
    }
    return deadline(redis.eval(List.of(INCREMENT, "1", request.key(), Integer.toString(request.ttlSeconds()))))
        .map(CacheVerticle::count);
  }

  private Future<CacheCount> add(CacheAdd request) {
    if (request.ttlSeconds() <= 0) {
      return Future.failedFuture(BusError.BAD_REQUEST.exception("ttlSeconds must be positive"));
    }
    return deadline(redis.eval(List.of(ADD, "1", request.key(), Integer.toString(request.ttlSeconds()),
        Long.toString(request.amount())))).map(CacheVerticle::count);
  }

  private Future<CacheCount> decrement(CacheDecrement request) {
    return deadline(redis.eval(List.of(DECREMENT, "1", request.key()))).map(CacheVerticle::count);
  }

  private Future<CacheEntry> lookup(CacheLookup request) {
    String key = request.key();
    String token = lockTokens + Long.toString(lockCount.incrementAndGet());
    return deadline(redis.eval(List.of(LOOKUP, "3", ENTRY + key, GENERATION + key, LOCK + key,
            Long.toString(Math.max(0, request.lockMillis())), token)))
        .map(reply -> new CacheEntry(reply.get(0).toInteger() == 1 ? reply.get(1).toString() : null,
            Long.parseLong(reply.get(2).toString()), reply.get(3).toInteger() == 1 ? token : null));
  }

  private Future<Done> fill(CacheFill request) {
    String key = request.key();
    String token = request.lockToken() == null ? "" : request.lockToken();
    if (request.value() == null && !token.isEmpty()) {
      // The load failed: nothing to store, and the lock goes at once so that others load themselves.
      return deadline(redis.eval(List.of(RELEASE, "1", LOCK + key, token))).map(released -> Done.INSTANCE);
    }
    if (request.ttlSeconds() <= 0 || request.value() == null) {
      return Future.failedFuture(BusError.BAD_REQUEST.exception("a fill needs a value and a positive ttlSeconds"));
    }
    return deadline(redis.eval(List.of(FILL, "3", ENTRY + key, GENERATION + key, LOCK + key, request.value(),
            Integer.toString(request.ttlSeconds()), Long.toString(request.generation()), token)))
        .map(ok -> Done.INSTANCE);
  }

  private Future<Done> renew(CacheLockRenew request) {
    if (request.lockToken() == null || request.lockMillis() <= 0) {
      return Future.failedFuture(BusError.BAD_REQUEST.exception("a renewal needs the lock's token and a positive lockMillis"));
    }
    return deadline(redis.eval(List.of(RENEW, "1", LOCK + request.key(), request.lockToken(),
            Long.toString(request.lockMillis()))))
        .map(renewed -> Done.INSTANCE);
  }

  private Future<Done> invalidate(CacheInvalidate request) {
    if (request.keys() == null || request.keys().isEmpty()) {
      return Future.succeededFuture(Done.INSTANCE);
    }
    List<String> args = new ArrayList<>();
    args.add(INVALIDATE);
    args.add(Integer.toString(request.keys().size() * 2));
    for (String key : request.keys()) {
      args.add(ENTRY + key);
      args.add(GENERATION + key);
    }
    args.add(GENERATION_TTL_SECONDS);
    return deadline(redis.eval(args)).map(ok -> Done.INSTANCE);
  }

  /** SCAN and UNLINK, page by page, each page under the command deadline; never KEYS or FLUSH. */
  private Future<CacheCount> clear(CacheClear request) {
    List<String> prefixes = request.prefixes() == null || request.prefixes().isEmpty() ? List.of("") : request.prefixes();
    Future<Long> deleted = Future.succeededFuture(0L);
    for (String prefix : prefixes) {
      deleted = deleted.compose(sum -> scanAndUnlink(ENTRY + prefix.replaceAll("([*?\\[\\]\\\\])", "\\\\$1") + "*", "0", sum));
    }
    return deleted.map(sum -> new CacheCount(sum, 0));
  }

  private Future<Long> scanAndUnlink(String pattern, String cursor, long deleted) {
    return deadline(redis.scan(List.of(cursor, "MATCH", pattern, "COUNT", Integer.toString(SCAN_COUNT))))
        .compose(page -> {
          String next = page.get(0).toString();
          List<String> keys = new ArrayList<>();
          page.get(1).forEach(key -> keys.add(key.toString()));
          Future<Long> unlinked = keys.isEmpty()
              ? Future.succeededFuture(0L)
              : deadline(redis.unlink(keys)).map(Response::toLong);
          return unlinked.compose(count -> "0".equals(next)
              ? Future.succeededFuture(deleted + count)
              : scanAndUnlink(pattern, next, deleted + count));
        });
  }

  private Future<RateDecision> rate(RateCheck request) {
    if (request.limits() == null || request.limits().isEmpty()) {
      return Future.failedFuture(BusError.BAD_REQUEST.exception("a rate check needs at least one limit"));
    }
    List<String> args = new ArrayList<>();
    args.add(RATE);
    args.add(Integer.toString(request.limits().size()));
    for (RateCheck.Limit limit : request.limits()) {
      args.add("rate:" + limit.key());
    }
    for (RateCheck.Limit limit : request.limits()) {
      if (limit.limit() <= 0 || limit.periodSeconds() <= 0) {
        return Future.failedFuture(BusError.BAD_REQUEST.exception("limits and periods must be positive"));
      }
      args.add(Integer.toString(limit.limit()));
      args.add(Long.toString(limit.periodSeconds() * 1000L));
    }
    return deadline(redis.eval(args)).map(reply -> new RateDecision(reply.get(0).toInteger() == 1,
        reply.get(1).toInteger(), reply.get(2).toLong(), reply.get(3).toLong(), reply.get(4).toLong()));
  }

  /** {value, PTTL in ms}; PTTL is negative when there is no key (or, never here, no expiry). */
  private static CacheCount count(Response reply) {
    long pttl = reply.get(1).toLong();
    return new CacheCount(reply.get(0).toLong(), pttl <= 0 ? 0 : (pttl + 999) / 1000);
  }

  private <T> Future<T> deadline(Future<T> command) {
    return command
        .timeout(settings.commandTimeoutMillis(), TimeUnit.MILLISECONDS)
        .recover(failure -> Future.failedFuture(BusError.UNAVAILABLE.exception("cache unavailable")));
  }

  @Override
  public Future<?> stop() {
    return Bus.drain(vertx, drainMillis).compose(drained -> client.close());
  }
}
