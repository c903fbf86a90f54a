package io.learngrid.cache;

import io.learngrid.bus.Bus;
import io.learngrid.bus.BusError;
import io.learngrid.bus.cache.RateCheck;
import io.learngrid.bus.cache.RateDecision;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Rate-limit budgets shared by the cluster: GCRA on Redis's clock ({@code redis/rate.lua}), every
 * budget of a request decided in one script. On every {@code /api/v1} request while rate limits are
 * on, so it is one {@code EVALSHA}: one round trip, no script text on the wire.
 */
final class RateBudgets {

  // Budget keys live under "rate2:", apart from entries and counters in a shared Redis. (Under
  // "rate:" they held milliseconds; during a rolling upgrade, old and new nodes keep apart rather
  // than read each other's unit.)
  private static final String RATE = "rate2:";

  /** The most one check may take: a lease far larger than any node spends in its lifetime is waste. */
  static final int MAX_REQUESTS = 10_000;

  private final CacheRedis redis;
  private final LuaScript rate;

  RateBudgets(CacheRedis redis) {
    this.redis = redis;
    this.rate = redis.script("rate");
  }

  List<MessageConsumer<JsonObject>> serve(Vertx vertx) {
    return List.of(Bus.serve(vertx, RateCheck.ENDPOINT, this::check));
  }

  Future<RateDecision> check(RateCheck request) {
    if (request.limits() == null || request.limits().isEmpty()) {
      return Future.failedFuture(BusError.BAD_REQUEST.exception("a rate check needs at least one limit"));
    }
    List<String> keys = new ArrayList<>(request.limits().size());
    List<String> args = new ArrayList<>(request.limits().size() * 2);
    for (RateCheck.Limit limit : request.limits()) {
      if (limit.limit() <= 0 || limit.periodSeconds() <= 0) {
        return Future.failedFuture(BusError.BAD_REQUEST.exception("limits and periods must be positive"));
      }
      keys.add(RATE + limit.key());
      args.add(Integer.toString(limit.limit()));
      args.add(Long.toString(limit.periodSeconds() * 1000L));
    }
    if (request.requests() < 0 || request.requests() > MAX_REQUESTS) {
      return Future.failedFuture(BusError.BAD_REQUEST.exception("requests must be 0.." + MAX_REQUESTS));
    }
    args.add(Integer.toString(Math.max(1, request.requests())));
    return redis.run(rate, keys, args).map(reply -> new RateDecision(reply.get(0).toInteger() == 1,
        reply.get(1).toInteger(), reply.get(2).toLong(), reply.get(3).toLong(), reply.get(4).toLong(),
        reply.get(5).toInteger()));
  }
}
