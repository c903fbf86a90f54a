package io.learngrid.http.limits;

import io.learngrid.bus.BusClient;
import io.learngrid.bus.cache.RateCheck;
import io.learngrid.bus.cache.RateDecision;
import io.learngrid.config.LearngridConfig;
import io.learngrid.http.Caller;
import io.learngrid.http.ClientAddress;
import io.learngrid.http.ProblemException;
import io.learngrid.security.UserRole;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Request budgets of docs/api.md: per client address on every {@code /api/v1} route, per user on the
 * authenticated ones, and per user on some routes besides (AI generation, AI chat, a teacher's
 * actions on one class). All budgets of a request are taken in one Redis script, cluster-wide; while
 * the cache role fails, this node's {@link LocalRates} stand in (per-node budgets), and Redis is
 * tried again a second later. Every answer carries the tightest budget in RateLimit-* headers.
 */
public final class RateLimiter {

  private static final Logger LOG = Logger.getLogger(RateLimiter.class.getName());
  private static final int MINUTE = 60;
  // A teacher's actions on a class: creating its assignments and enrolling students in it.
  private static final Pattern CLASS_ACTION = Pattern.compile("/api/v1/courses/([^/]+)/(assignments|enrollments)/?");

  private final LearngridConfig.RateLimits limits;
  private final BusClient cacheRole;
  private final LocalRates local;
  private final RedisBackoff backoff = new RedisBackoff();
  private final Counter allowed;
  private final Counter refused;

  public RateLimiter(Vertx vertx, LearngridConfig.RateLimits limits, long timeoutMillis, MeterRegistry registry) {
    this.limits = limits;
    this.cacheRole = new BusClient(vertx, timeoutMillis);
    this.local = LocalRates.of(vertx);
    this.allowed = counter(registry, "allowed");
    this.refused = counter(registry, "refused");
  }

  /** Routes without a token (register, login, refresh): the client address's budget only. */
  public Handler<RoutingContext> anonymous() {
    return ctx -> check(ctx, addressLimit(ctx, new ArrayList<>()));
  }

  /** After authentication: the address's, the user's, and the route's budgets. */
  public Handler<RoutingContext> authenticated() {
    return ctx -> {
      List<RateCheck.Limit> budgets = addressLimit(ctx, new ArrayList<>());
      Caller caller = Caller.of(ctx);
      add(budgets, "user:" + caller.id(), limits.perUser());
      if (ctx.request().method() == HttpMethod.POST) {
        String path = ctx.request().path();
        switch (path) {
          case "/api/v1/ai/questions", "/api/v1/ai/lesson-plans" ->
              add(budgets, "ai-generation:" + caller.id(), limits.aiGeneration());
          case "/api/v1/ai/chat" -> add(budgets, "ai-chat:" + caller.id(), limits.aiChat());
          default -> {
            Matcher classAction = CLASS_ACTION.matcher(path);
            if (caller.is(UserRole.TEACHER) && classAction.matches()) {
              add(budgets, "class:" + caller.id() + ":" + classAction.group(1), limits.classAction());
            }
          }
        }
      }
      check(ctx, budgets);
    };
  }

  private List<RateCheck.Limit> addressLimit(RoutingContext ctx, List<RateCheck.Limit> budgets) {
    add(budgets, "ip:" + ClientAddress.of(ctx), limits.perIp());
    return budgets;
  }

  private static void add(List<RateCheck.Limit> budgets, String key, int perMinute) {
    if (perMinute > 0) {
      budgets.add(new RateCheck.Limit(key, perMinute, MINUTE));
    }
  }

  private void check(RoutingContext ctx, List<RateCheck.Limit> budgets) {
    if (!limits.enabled() || budgets.isEmpty()) {
      ctx.next();
      return;
    }
    // Paused while Redis decides, as Vert.x's own asynchronous authentication handlers do, so that
    // a body handler further on still sees the whole body.
    if (!ctx.request().isEnded()) {
      ctx.request().pause();
    }
    decide(budgets).onComplete(decision -> {
      if (!ctx.request().isEnded()) {
        ctx.request().resume();
      }
      RateDecision d = decision.result();
      ctx.response()
          .putHeader("RateLimit-Limit", Integer.toString(d.limit()))
          .putHeader("RateLimit-Remaining", Long.toString(Math.max(0, d.remaining())))
          .putHeader("RateLimit-Reset", Long.toString(seconds(d.resetMillis())));
      (d.allowed() ? allowed : refused).increment();
      if (d.allowed()) {
        ctx.next();
      } else {
        ctx.fail(new ProblemException(429, "rate limit exceeded, try again later", List.of(),
            (int) Math.max(1, seconds(d.retryAfterMillis()))));
      }
    });
  }

  /** Never fails: the cache role's decision, or this node's when the cache role does not answer. */
  private Future<RateDecision> decide(List<RateCheck.Limit> budgets) {
    if (!backoff.ask()) {
      return Future.succeededFuture(local.check(budgets));
    }
    return cacheRole.request(RateCheck.ENDPOINT, new RateCheck(budgets))
        .map(decision -> {
          if (backoff.succeeded()) {
            LOG.info("rate limits are cluster-wide again (the cache role answers)");
          }
          return decision;
        })
        .otherwise(failure -> {
          if (backoff.failed()) {
            LOG.warning("rate limits fall back to this node's memory: the cache role failed (" + failure.getMessage()
                + ")");
          }
          return local.check(budgets);
        });
  }

  private static Counter counter(MeterRegistry registry, String result) {
    return Counter.builder("learngrid.ratelimit.decisions")
        .description("Rate-limit decisions on API requests (allowed, refused)")
        .tag("result", result)
        .register(registry);
  }

  private static long seconds(long millis) {
    return Math.max(0, (millis + 999) / 1000);
  }
}
