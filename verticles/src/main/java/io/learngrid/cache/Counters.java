package io.learngrid.cache;

import io.learngrid.bus.Bus;
import io.learngrid.bus.BusError;
import io.learngrid.bus.cache.CacheAdd;
import io.learngrid.bus.cache.CacheCount;
import io.learngrid.bus.cache.CacheDecrement;
import io.learngrid.bus.cache.CacheGet;
import io.learngrid.bus.cache.CacheIncrement;
import io.learngrid.bus.cache.CacheValue;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Response;
import java.util.List;

/**
 * Expiring counters: login failures (incr/decr), the ai role's daily token budgets (add), the
 * progress version; {@code learngrid.cache.get} reads them (both of its callers read a counter).
 * Each change is one script, so a counter never loses its expiry.
 */
final class Counters {

  private final CacheRedis redis;
  private final LuaScript increment;
  private final LuaScript add;
  private final LuaScript decrement;

  Counters(CacheRedis redis) {
    this.redis = redis;
    this.increment = redis.script("increment");
    this.add = redis.script("add");
    this.decrement = redis.script("decrement");
  }

  List<MessageConsumer<JsonObject>> serve(Vertx vertx) {
    return List.of(
        Bus.serve(vertx, CacheGet.ENDPOINT, this::get),
        Bus.serve(vertx, CacheIncrement.ENDPOINT, this::increment),
        Bus.serve(vertx, CacheAdd.ENDPOINT, this::add),
        Bus.serve(vertx, CacheDecrement.ENDPOINT, this::decrement));
  }

  Future<CacheValue> get(CacheGet request) {
    return redis.deadline(redis.api().get(request.key()))
        .map(value -> new CacheValue(value == null ? null : value.toString()));
  }

  Future<CacheCount> increment(CacheIncrement request) {
    if (request.ttlSeconds() <= 0) {
      return Future.failedFuture(BusError.BAD_REQUEST.exception("ttlSeconds must be positive"));
    }
    return redis.run(increment, List.of(request.key()), List.of(Integer.toString(request.ttlSeconds())))
        .map(Counters::count);
  }

  Future<CacheCount> add(CacheAdd request) {
    if (request.ttlSeconds() <= 0) {
      return Future.failedFuture(BusError.BAD_REQUEST.exception("ttlSeconds must be positive"));
    }
    return redis.run(add, List.of(request.key()),
        List.of(Integer.toString(request.ttlSeconds()), Long.toString(request.amount()))).map(Counters::count);
  }

  Future<CacheCount> decrement(CacheDecrement request) {
    return redis.run(decrement, List.of(request.key()), List.of()).map(Counters::count);
  }

  /** {value, PTTL in ms}; PTTL is negative when there is no key (or, never here, no expiry). */
  private static CacheCount count(Response reply) {
    long pttl = reply.get(1).toLong();
    return new CacheCount(reply.get(0).toLong(), pttl <= 0 ? 0 : (pttl + 999) / 1000);
  }
}
