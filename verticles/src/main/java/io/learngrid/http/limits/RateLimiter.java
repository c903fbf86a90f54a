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
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.SecurityPolicyHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Request budgets of docs/api.md: per client address on the routes without a token, per user on the
 * authenticated ones, and per user on some routes besides (AI generation, AI chat, a teacher's
 * actions on one class). Which route has which budgets is said by the route table
 * (HttpVerticle.router()): each route starts with one of this class's handlers. All budgets of a
 * request are taken in one Redis script, cluster-wide, with the other requests of the same event-loop
 * turn ({@link RateBatches}); a budget busy on this node is taken a slice
 * at a time and spent here ({@link RateLeases}, which states the bound). While the cache role
 * fails, this node's {@link LocalRates} stand in (per-node budgets), and Redis is tried again a
 * second later. Every answer carries the tightest budget in RateLimit-* headers.
 */
public final class RateLimiter {

  private static final Logger LOG = LoggerFactory.getLogger(RateLimiter.class);
  private static final int MINUTE = 60;

  private final LearngridConfig.RateLimits limits;
  private final LocalRates local;
  private final RateBatches batches;
  private final RateLeases leases;
  private final RedisBackoff backoff = new RedisBackoff();
  private final Counter allowed;
  private final Counter refused;
  private final Counter fromLease;

  public RateLimiter(Vertx vertx, LearngridConfig.RateLimits limits, long timeoutMillis, MeterRegistry registry) {
    this.limits = limits;
    this.batches = new RateBatches(vertx, new BusClient(vertx, timeoutMillis), registry);
    this.local = LocalRates.of(vertx);
    this.leases = RateLeases.of(vertx);
    this.allowed = counter(registry, "allowed");
    this.refused = counter(registry, "refused");
    this.fromLease = Counter.builder("learngrid.ratelimit.leased")
        .description("Rate-limit decisions this node made from its lease of a busy budget, without asking Redis")
        .register(registry);
  }

  /** Routes without a token (register, login, refresh): the client address's budget only. */
  public Handler<RoutingContext> address() {
    return budget(ctx -> addressLimit(ctx, new ArrayList<>()));
  }

  /**
   * An authenticated route: the user's budget, not the address's. A whole class behind one school
   * NAT shares an address; counting its students' requests there would throttle all of them at the
   * rate of a few, while each user already has a budget of their own.
   */
  public Handler<RoutingContext> user() {
    return budget(this::userLimits);
  }

  /** AI generation (questions, lesson plans): the user's AI-generation budget besides. */
  public Handler<RoutingContext> aiGeneration() {
    return budget(ctx -> add(userLimits(ctx), "ai-generation:" + Caller.of(ctx).id(), limits.aiGeneration()));
  }

  /** AI chat: the user's chat budget besides. */
  public Handler<RoutingContext> aiChat() {
    return budget(ctx -> add(userLimits(ctx), "ai-chat:" + Caller.of(ctx).id(), limits.aiChat()));
  }

  /**
   * A teacher's action on one class (creating its assignments, enrolling students in it): that
   * teacher's budget for that class besides; other roles have none.
   */
  public Handler<RoutingContext> classAction() {
    return budget(ctx -> {
      List<RateCheck.Limit> budgets = userLimits(ctx);
      Caller caller = Caller.of(ctx);
      return caller.is(UserRole.TEACHER)
          ? add(budgets, "class:" + caller.id() + ":" + ctx.pathParam("courseId"), limits.classAction())
          : budgets;
    });
  }

  /**
   * The route's budgets, all taken in one check. A security policy to Vert.x, so that it may come
   * first on a route, before the route's BodyHandler: a refused request's body is never read.
   */
  private Handler<RoutingContext> budget(Function<RoutingContext, List<RateCheck.Limit>> budgets) {
    return (SecurityPolicyHandler) ctx -> check(ctx, budgets.apply(ctx));
  }

  private List<RateCheck.Limit> userLimits(RoutingContext ctx) {
    return add(new ArrayList<>(), "user:" + Caller.of(ctx).id(), limits.perUser());
  }

  private List<RateCheck.Limit> addressLimit(RoutingContext ctx, List<RateCheck.Limit> budgets) {
    return add(budgets, "ip:" + ClientAddress.of(ctx), limits.perIp());
  }

  private static List<RateCheck.Limit> add(List<RateCheck.Limit> budgets, String key, int perMinute) {
    if (perMinute > 0) {
      budgets.add(new RateCheck.Limit(key, perMinute, MINUTE));
    }
    return budgets;
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

  /**
   * Never fails: this node's lease or kept refusal, else the cache role's decision (asking for a
   * slice of a budget busy here), or this node's memory when the cache role does not answer.
   */
  private Future<RateDecision> decide(List<RateCheck.Limit> budgets) {
    long now = System.nanoTime();
    RateDecision leased = leases.spend(budgets, now);
    if (leased != null) {
      fromLease.increment();
      return Future.succeededFuture(leased);
    }
    if (!backoff.ask()) {
      return Future.succeededFuture(local.check(budgets));
    }
    int asked = leases.wanted(budgets, now);
    return batches.decide(new RateCheck(budgets, asked))
        .map(decision -> {
          leases.answered(budgets, asked, decision, System.nanoTime());
          if (decision.granted() > 1) {
            // The slice is the client's to spend here: it remains to them, though Redis counts it spent.
            decision = new RateDecision(true, decision.limit(), decision.remaining() + decision.granted() - 1,
                decision.resetMillis(), 0, 1);
          }
          if (backoff.succeeded()) {
            LOG.info("rate limits are cluster-wide again (the cache role answers)");
          }
          return decision;
        })
        .otherwise(failure -> {
          leases.answered(budgets, asked, null, System.nanoTime());
          if (backoff.failed()) {
            LOG.warn("rate limits fall back to this node's memory: the cache role failed (" + failure.getMessage()
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
