package io.learngrid.cache;

import io.learngrid.bus.Bus;
import io.learngrid.bus.BusError;
import io.learngrid.bus.cache.AiAdmission;
import io.learngrid.bus.cache.AiAdmit;
import io.learngrid.bus.cache.AiSettle;
import io.learngrid.bus.cache.AiSettled;
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
 * The AI gateway's daily token budgets with reservations ({@code redis/admit.lua},
 * {@code redis/settle.lua}): reserve before the call, settle to the real usage after, together with
 * the reply-cache lookup in the same {@code EVALSHA}, so that the path before the first upstream byte
 * costs one Redis round trip however many budgets apply.
 */
final class AiBudgets {

  /** Budget keys live under "aibudget:", apart from the entries of {@link CacheEntries} and from counters. */
  private static final String BUDGET = "aibudget:";
  private static final int MAX_BUDGETS = 8;

  private final String lockTokens = UUID.randomUUID() + ":";
  private final AtomicLong lockCount = new AtomicLong();
  private final CacheRedis redis;
  private final LuaScript admit;
  private final LuaScript settle;

  AiBudgets(CacheRedis redis) {
    this.redis = redis;
    this.admit = redis.script("admit");
    this.settle = redis.script("settle");
  }

  List<MessageConsumer<JsonObject>> serve(Vertx vertx) {
    return List.of(
        Bus.serve(vertx, AiAdmit.ENDPOINT, this::admit),
        Bus.serve(vertx, AiSettle.ENDPOINT, this::settle));
  }

  Future<AiAdmission> admit(AiAdmit request) {
    List<AiAdmit.Budget> budgets = request.budgets() == null ? List.of() : request.budgets();
    if (budgets.size() > MAX_BUDGETS || request.reservationId() == null || request.tokens() < 0
        || request.lifetimeSeconds() <= 0) {
      return Future.failedFuture(BusError.BAD_REQUEST.exception(
          "an admission needs a reservation id, tokens >= 0, a positive lifetime and at most " + MAX_BUDGETS + " budgets"));
    }
    boolean lookup = request.lookupKey() != null;
    List<String> keys = new ArrayList<>(budgets.size() * 4 + 3);
    List<String> args = new ArrayList<>(8 + budgets.size());
    for (AiAdmit.Budget budget : budgets) {
      keys.addAll(keys(budget.key()));
    }
    String token = lockTokens + lockCount.incrementAndGet();
    if (lookup) {
      keys.add(CacheEntries.ENTRY + request.lookupKey());
      keys.add(CacheEntries.GENERATION + request.lookupKey());
      keys.add(CacheEntries.LOCK + request.lookupKey());
    }
    args.add(Integer.toString(budgets.size()));
    args.add(request.reservationId());
    args.add(Long.toString(request.tokens()));
    args.add(Long.toString(Math.max(1, request.leaseMillis())));
    args.add(Integer.toString(request.lifetimeSeconds()));
    args.add(Long.toString(Math.max(0, request.lockMillis())));
    args.add(token);
    args.add(lookup ? "1" : "0");
    budgets.forEach(budget -> args.add(Long.toString(budget.limit())));
    return redis.run(admit, keys, args).map(reply -> {
      boolean admitted = reply.get(0).toInteger() == 1;
      String value = reply.get(3).toString();
      return new AiAdmission(admitted, reply.get(1).toInteger() - 1, reply.get(2).toLong(),
          value.isEmpty() ? null : value, Long.parseLong(reply.get(4).toString()),
          reply.get(5).toInteger() == 1 ? token : null);
    });
  }

  Future<AiSettled> settle(AiSettle request) {
    List<String> budgetKeys = request.budgetKeys() == null ? List.of() : request.budgetKeys();
    if (budgetKeys.isEmpty()) {
      return Future.succeededFuture(new AiSettled(List.of()));
    }
    if (budgetKeys.size() > MAX_BUDGETS || request.reservationId() == null || request.lifetimeSeconds() <= 0) {
      return Future.failedFuture(BusError.BAD_REQUEST.exception("a settlement needs a reservation id and budget keys"));
    }
    List<String> keys = new ArrayList<>(budgetKeys.size() * 4);
    budgetKeys.forEach(key -> keys.addAll(keys(key)));
    return redis.run(settle, keys, List.of(request.reservationId(), Long.toString(Math.max(0, request.tokens())),
            Integer.toString(request.lifetimeSeconds())))
        .map(reply -> {
          List<Long> spent = new ArrayList<>(reply.size());
          for (Response value : reply) {
            spent.add(value.toLong());
          }
          return new AiSettled(spent);
        });
  }

  /** A budget's four keys: the day's settled spend, what is reserved, by whom, and until when. */
  private static List<String> keys(String budget) {
    String base = BUDGET + budget;
    return List.of(base, base + ":reserved", base + ":held", base + ":expiry");
  }
}
