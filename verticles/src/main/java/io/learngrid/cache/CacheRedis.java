package io.learngrid.cache;

import io.learngrid.bus.BusError;
import io.learngrid.config.LearngridConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemTrustOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The cache role's one Redis client, shared by its jobs ({@link CacheEntries}, {@link Counters},
 * {@link RateBudgets}). The client is pooled, so a connection lost while Redis is away is replaced
 * on the next command once Redis is back; every command has a deadline, so an unreachable Redis
 * costs a caller at most that long. Lua scripts run by their SHA ({@link #run}).
 */
final class CacheRedis {

  private static final Logger LOG = LoggerFactory.getLogger(CacheRedis.class);

  private final Redis client;
  private final RedisAPI api;
  private final long timeoutMillis;
  private final List<LuaScript> scripts = new ArrayList<>();
  /** Whether the last command failed: an outage is logged once when it starts and once when it ends. */
  private final AtomicBoolean down = new AtomicBoolean();

  CacheRedis(Vertx vertx, LearngridConfig.Redis settings) {
    this.client = Redis.createClient(vertx, new RedisOptions()
        .setConnectionString(settings.url())
        .setMaxPoolSize(settings.poolSize())
        .setMaxPoolWaiting(settings.maxWaitingHandlers())
        .setMaxWaitingHandlers(settings.maxWaitingHandlers())
        .setNetClientOptions(netOptions(settings)));
    this.api = RedisAPI.api(client);
    this.timeoutMillis = settings.commandTimeoutMillis();
  }

  /**
   * For rediss://, TLS from the first byte with the certificate checked and its name matched to the
   * URL's host (Redis has no sslmode: a TLS port speaks nothing else), against LEARNGRID_REDIS_CA_FILE
   * when set, else the JVM's trusted CAs (a managed Redis with a public certificate).
   */
  private static NetClientOptions netOptions(LearngridConfig.Redis settings) {
    NetClientOptions options = new NetClientOptions()
        .setConnectTimeout((int) settings.commandTimeoutMillis())
        .setTcpNoDelay(true);
    if (settings.tls()) {
      options.setSsl(true).setHostnameVerificationAlgorithm("HTTPS");
      if (settings.ca() != null) {
        options.setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(settings.ca().pem())));
      }
    }
    return options;
  }

  /** Plain commands; wrap each in {@link #deadline}. */
  RedisAPI api() {
    return api;
  }

  /** The script {@code /redis/<name>.lua}, remembered so that {@link #loadScripts} loads it. */
  LuaScript script(String name) {
    LuaScript script = LuaScript.named(name);
    scripts.add(script);
    return script;
  }

  /** Every script asked for so far. */
  List<LuaScript> scripts() {
    return List.copyOf(scripts);
  }

  /**
   * {@code SCRIPT LOAD} of every script asked for so far, so that the first calls find them. Never
   * fails: Redis may be down at start (the node still starts), and a script that is not there when
   * it is called is loaded then ({@link #run}).
   */
  Future<Void> loadScripts() {
    List<Future<Response>> loads = new ArrayList<>();
    for (LuaScript script : scripts) {
      loads.add(load(script));
    }
    return Future.join(loads).transform(loaded -> {
      if (loaded.failed()) {
        LOG.debug("Lua scripts not loaded at start ({}); they load on first use", loaded.cause().toString());
      }
      return Future.succeededFuture();
    });
  }

  /**
   * {@code EVALSHA} with the SHA computed locally: one round trip, as {@code EVAL} was, without the
   * script's text. When Redis answers {@code NOSCRIPT} (it restarted, or its scripts were flushed),
   * the script is loaded again and the call retried once, all under one deadline.
   */
  Future<Response> run(LuaScript script, List<String> keys, List<String> args) {
    List<String> command = new ArrayList<>(2 + keys.size() + args.size());
    command.add(script.sha());
    command.add(Integer.toString(keys.size()));
    command.addAll(keys);
    command.addAll(args);
    return deadline(api.evalsha(command).recover(failure -> isNoScript(failure)
        ? load(script).compose(loaded -> api.evalsha(command))
        : Future.failedFuture(failure)));
  }

  private Future<Response> load(LuaScript script) {
    return api.script(List.of("LOAD", script.text()));
  }

  private static boolean isNoScript(Throwable failure) {
    String message = failure.getMessage();
    return message != null && message.startsWith("NOSCRIPT");
  }

  /** The role's Redis deadline; any failure becomes the bus's 503 "cache unavailable". */
  <T> Future<T> deadline(Future<T> command) {
    return command
        .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .onSuccess(answered -> {
          if (down.compareAndSet(true, false)) {
            LOG.info("Redis answers again: caching, counters and rate budgets are back in Redis");
          }
        })
        .recover(failure -> {
          if (down.compareAndSet(false, true)) {
            LOG.warn("Redis does not answer (" + reason(failure) + "): the cache role replies 'cache unavailable'"
                + " (reads come from PostgreSQL, limits fall back to each node) until it does");
          }
          return Future.failedFuture(BusError.UNAVAILABLE.exception("cache unavailable"));
        });
  }

  /**
   * The failure's message and, when it wraps one, its innermost cause's: a refused certificate
   * arrives as "Failed to create SSL connection", and only the cause says what was wrong with it.
   */
  private static String reason(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == failure || root.getMessage() == null ? failure.getMessage()
        : failure.getMessage() + ": " + root.getMessage();
  }

  Future<Void> close() {
    return client.close();
  }
}
