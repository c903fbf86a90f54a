package io.learngrid.cache;

import io.learngrid.bus.Bus;
import io.learngrid.bus.BusError;
import io.learngrid.bus.cache.RateCheck;
import io.learngrid.bus.cache.RateChecks;
import io.learngrid.bus.cache.RateDecision;
import io.learngrid.bus.cache.RateDecisions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;

/**
 * Rate-limit budgets shared by the cluster: GCRA on Redis's clock ({@code redis/rates.lua}), every
 * budget of a request decided in one script, and the checks an http node batched (one turn of its
 * event loop) in that same script. On the path of every {@code /api/v1} request while rate limits
 * are on, so it is one {@code EVALSHA}: one round trip, no script text on the wire.
 */
final class RateBudgets {

  // Budget keys live under "rate2:", apart from entries and counters in a shared Redis. (Under
  // "rate:" they held milliseconds; during a rolling upgrade, old and new nodes keep apart rather
  // than read each other's unit.)
  private static final String RATE = "rate2:";

  /** The most one check may take: a lease far larger than any node spends in its lifetime is waste. */
  static final int MAX_REQUESTS = 10_000;

  private final CacheRedis redis;
  private final LuaScript rates;

  RateBudgets(CacheRedis redis) {
    this.redis = redis;
    this.rates = redis.script("rates");
  }

  List<MessageConsumer<JsonObject>> serve(Vertx vertx) {
    return List.of(Bus.serve(vertx, RateCheck.ENDPOINT, this::check), Bus.serve(vertx, RateChecks.ENDPOINT, this::checks));
  }

  Future<RateDecision> check(RateCheck request) {
    return decide(List.of(request)).map(decisions -> decisions.get(0));
  }

  Future<RateDecisions> checks(RateChecks request) {
    if (request.checks() == null || request.checks().isEmpty() || request.checks().size() > RateChecks.MAX_CHECKS) {
      return Future.failedFuture(BusError.BAD_REQUEST.exception("a batch holds 1.." + RateChecks.MAX_CHECKS + " checks"));
    }
    return decide(request.checks()).map(RateDecisions::new);
  }

  /** Every check in one script, in order: one round trip to Redis however many there are. */
  private Future<List<RateDecision>> decide(List<RateCheck> checks) {
    List<String> keys = new ArrayList<>();
    List<String> args = new ArrayList<>();
    for (RateCheck check : checks) {
      if (check == null || check.limits() == null || check.limits().isEmpty()) {
        return Future.failedFuture(BusError.BAD_REQUEST.exception("a rate check needs at least one limit"));
      }
      if (check.requests() < 0 || check.requests() > MAX_REQUESTS) {
        return Future.failedFuture(BusError.BAD_REQUEST.exception("requests must be 0.." + MAX_REQUESTS));
      }
      args.add(Integer.toString(check.limits().size()));
      for (RateCheck.Limit limit : check.limits()) {
        if (limit == null || limit.key() == null || limit.limit() <= 0 || limit.periodSeconds() <= 0) {
          return Future.failedFuture(BusError.BAD_REQUEST.exception("limits need a key, and positive limits and periods"));
        }
        keys.add(RATE + limit.key());
        args.add(Integer.toString(limit.limit()));
        args.add(Long.toString(limit.periodSeconds() * 1000L));
      }
      args.add(Integer.toString(Math.max(1, check.requests())));
    }
    return redis.run(rates, keys, args).map(replies -> {
      List<RateDecision> decisions = new ArrayList<>(replies.size());
      for (Response reply : replies) {
        decisions.add(new RateDecision(reply.get(0).toInteger() == 1, reply.get(1).toInteger(), reply.get(2).toLong(),
            reply.get(3).toLong(), reply.get(4).toLong(), reply.get(5).toInteger()));
      }
      return decisions;
    });
  }
}
