package io.learngrid.ai;

import io.learngrid.bus.BusClient;
import io.learngrid.bus.BusError;
import io.learngrid.bus.ai.ChatMessage;
import io.learngrid.bus.cache.AiAdmit;
import io.learngrid.bus.cache.AiSettle;
import io.learngrid.config.LearngridConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Daily token budgets (UTC days) per user, per API key and for the whole deployment, kept in the
 * cache role so every ai node sees the same figures. Reserve before the call, settle after: a
 * request is admitted while a budget's spent plus reserved tokens are below its limit, and then
 * holds its {@link #estimate} against every budget at once (cache-role script {@code admit.lua},
 * together with the reply-cache lookup: one round trip). After the call the hold becomes the real
 * usage; a failure or a reply someone else paid for releases it; a hold its node never settles (the
 * node died) expires after {@link #leaseMillis}. So however many requests run at once, a day ends
 * at most one reservation past a budget. When the cache role does not answer, requests go through
 * unchecked: budgets bound cost, they must not take AI down.
 */
final class TokenBudget {

  private static final Logger LOG = LoggerFactory.getLogger(TokenBudget.class);
  /** Per message, the tokens its role and framing cost beyond its text (OpenAI's own rule of thumb). */
  private static final int TOKENS_PER_MESSAGE = 4;

  /** One request's hold on the budgets that apply to it; {@code held} once admitted with tokens reserved. */
  static final class Reservation {
    private final String id = UUID.randomUUID().toString();
    private final List<AiAdmit.Budget> budgets;
    private final List<String> kinds;
    private final long tokens;
    /** Where the user's budget is in {@code budgets}; -1: none. */
    private final int user;
    private boolean held;
    private boolean ended;

    private Reservation(List<AiAdmit.Budget> budgets, List<String> kinds, long tokens, int user) {
      this.budgets = budgets;
      this.kinds = kinds;
      this.tokens = tokens;
      this.user = user;
    }

    long tokens() {
      return tokens;
    }
  }

  private final BusClient cache;
  private final long userBudget;
  private final long globalBudget;
  private final int defaultMaxTokens;
  private final long leaseMillis;
  /** Today's global spend as this node last read or counted it: the budget alert's figure (use max). */
  private final AtomicLong globalSpent = new AtomicLong();
  private final UsersNearBudget nearlySpent;

  TokenBudget(Vertx vertx, LearngridConfig.Ai settings, long timeoutMillis, MeterRegistry registry) {
    this.cache = new BusClient(vertx, timeoutMillis);
    this.userBudget = settings.userDailyTokens();
    this.globalBudget = settings.globalDailyTokens();
    this.defaultMaxTokens = settings.reserveMaxTokens();
    // Longer than any call may hold it: a job's generation waits up to twice the time limit for an
    // identical call on another node, then makes its own.
    this.leaseMillis = 3 * settings.timeoutMillis() + 10_000;
    this.nearlySpent = new UsersNearBudget(vertx, userBudget, timeoutMillis, registry);
    Gauge.builder("learngrid.ai.budget.global.spent", globalSpent, AtomicLong::get).baseUnit("tokens")
        .description("Tokens spent today (UTC) against LEARNGRID_AI_GLOBAL_DAILY_TOKENS, as this node last saw it")
        .register(registry);
    Gauge.builder("learngrid.ai.budget.global.limit", () -> globalBudget).baseUnit("tokens")
        .description("LEARNGRID_AI_GLOBAL_DAILY_TOKENS (0: no global budget)")
        .register(registry);
  }

  long leaseMillis() {
    return leaseMillis;
  }

  /**
   * The tokens a request may spend: its prompt (about four characters a token, plus each message's
   * framing) and its completion's cap ({@code max_completion_tokens} or {@code max_tokens} in the
   * OpenAI options, else LEARNGRID_AI_RESERVE_MAX_TOKENS).
   */
  long estimate(List<ChatMessage> messages, JsonObject options) {
    long characters = 0;
    for (ChatMessage message : messages) {
      characters += message.content() == null ? 0 : message.content().length();
    }
    long completion = defaultMaxTokens;
    if (options != null) {
      Object cap = options.getValue("max_completion_tokens", options.getValue("max_tokens"));
      if (cap instanceof Number number && number.longValue() > 0) {
        completion = number.longValue();
      }
    }
    return (characters + 3) / 4 + (long) TOKENS_PER_MESSAGE * messages.size() + completion;
  }

  /** The budgets that apply to a request of {@code userId} (through key {@code apiKeyId}, null: none). */
  Reservation reservation(String userId, String apiKeyId, long keyDailyTokens, long tokens) {
    List<AiAdmit.Budget> budgets = new ArrayList<>(3);
    List<String> kinds = new ArrayList<>(3);
    String day = LocalDate.now(ZoneOffset.UTC).toString();
    if (apiKeyId != null && keyDailyTokens > 0) {
      budgets.add(new AiAdmit.Budget("key:" + apiKeyId + ":" + day, keyDailyTokens));
      kinds.add("this API key's daily token budget is used up");
    }
    int user = -1;
    if (userBudget > 0 && userId != null) {
      user = budgets.size();
      budgets.add(new AiAdmit.Budget("user:" + userId + ":" + day, userBudget));
      kinds.add("your daily AI token budget is used up");
    }
    if (globalBudget > 0) {
      budgets.add(new AiAdmit.Budget("global:" + day, globalBudget));
      kinds.add("the daily AI token budget of this deployment is used up");
    }
    return new Reservation(budgets, kinds, tokens, user);
  }

  /**
   * Admits {@code reservation} and looks {@code lookupKey} up (null: no lookup) in one cache-role
   * request. Fails TOO_MANY_REQUESTS (Retry-After: the next UTC midnight) when a budget is used up.
   */
  Future<ResponseCache.Lookup> admit(Reservation reservation, String lookupKey, long lockMillis) {
    if (reservation.budgets.isEmpty() && lookupKey == null) {
      return Future.succeededFuture(ResponseCache.Lookup.NOT_CACHED);
    }
    return cache.request(AiAdmit.ENDPOINT, new AiAdmit(reservation.budgets, reservation.id, reservation.tokens,
            leaseMillis, lifetimeSeconds(), lookupKey, lockMillis))
        .transform(done -> {
          if (done.failed()) {
            LOG.warn("AI budget not checked, the cache role did not answer: " + done.cause().getMessage());
            return Future.succeededFuture(lookupKey == null ? ResponseCache.Lookup.NOT_CACHED
                : ResponseCache.Lookup.UNREACHABLE);
          }
          var admission = done.result();
          if (!admission.admitted()) {
            if (globalBudget > 0 && admission.refused() == reservation.budgets.size() - 1) {
              globalSpent.set(admission.used());
            }
            int index = Math.max(0, Math.min(admission.refused(), reservation.kinds.size() - 1));
            return Future.failedFuture(BusError.TOO_MANY_REQUESTS.exception(reservation.kinds.get(index),
                secondsToMidnight()));
          }
          reservation.held = admission.value() == null && reservation.tokens > 0 && !reservation.budgets.isEmpty();
          return Future.succeededFuture(lookupKey == null ? ResponseCache.Lookup.NOT_CACHED
              : ResponseCache.Lookup.of(admission.value(), admission.generation(), admission.lockToken()));
        });
  }

  /** The request's real usage replaces its hold (counted even when the hold is gone or was never taken). */
  void settle(Reservation reservation, long tokens) {
    if (reservation.ended || reservation.budgets.isEmpty() || tokens <= 0 && !reservation.held) {
      reservation.ended = true;
      return;
    }
    reservation.ended = true;
    List<String> keys = reservation.budgets.stream().map(AiAdmit.Budget::key).toList();
    cache.request(AiSettle.ENDPOINT, new AiSettle(keys, reservation.id, Math.max(0, tokens), lifetimeSeconds()))
        .onSuccess(settled -> {
          if (globalBudget > 0 && !settled.spent().isEmpty()) {
            globalSpent.set(settled.spent().get(settled.spent().size() - 1));
          }
          if (reservation.user >= 0 && reservation.user < settled.spent().size()) {
            nearlySpent.counted(settled.spent().get(reservation.user), Math.max(0, tokens), lifetimeSeconds());
          }
        })
        .onFailure(failure -> LOG.warn("AI tokens not counted against the budget: " + failure.getMessage()));
  }

  /** Gives the hold back: the request failed, was cancelled, or its reply was someone else's. */
  void release(Reservation reservation) {
    settle(reservation, 0);
  }

  private static int lifetimeSeconds() {
    return (int) secondsToMidnight() + 3_600;
  }

  static long secondsToMidnight() {
    long now = Instant.now().getEpochSecond();
    return Math.max(1, (now / 86_400 + 1) * 86_400 - now);
  }
}
