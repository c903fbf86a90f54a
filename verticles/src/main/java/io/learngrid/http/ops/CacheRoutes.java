package io.learngrid.http.ops;

import io.learngrid.bus.BusClient;
import io.learngrid.bus.cache.CacheClear;
import io.learngrid.bus.cache.CacheCount;
import io.learngrid.http.Caller;
import io.learngrid.http.Input;
import io.learngrid.http.ProblemException;
import io.learngrid.http.Replies;
import io.learngrid.http.caching.NearInvalidation;
import io.learngrid.security.UserRole;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code POST /api/v1/admin/cache/clear}: empties a scope of the cache in Redis and on every node. */
public final class CacheRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(CacheRoutes.class);
  private static final Set<UserRole> ADMINS = EnumSet.of(UserRole.ADMIN);
  /** Scope → the key prefix of its entries (keys as CacheAside names them). */
  static final Map<String, String> SCOPES = Map.of(
      "course", "course:",
      "profile", "user:",
      "assignment", "assignment:",
      "enrollment", "enrollment:",
      "progress", "progress:",
      "ai", "ai:",
      "all", "");

  private final NearInvalidation invalidation;
  private final BusClient cacheRole;

  public CacheRoutes(Vertx vertx, NearInvalidation invalidation, long timeoutMillis) {
    this.invalidation = invalidation;
    this.cacheRole = new BusClient(vertx, timeoutMillis);
  }

  /**
   * Redis first, then the near caches, so that no node refills its near cache from a Redis entry
   * about to go. A Redis that cannot be cleared is a 503 (the near caches are cleared anyway).
   */
  private static String scope(Input input) {
    String scope = input.optionalText("scope");
    input.validate();
    return scope == null ? "all" : scope;
  }

  public void clear(RoutingContext ctx) {
    Caller caller = Caller.of(ctx).requireRole(ADMINS);
    // The body is optional; when there is one, through Input, so what the contract refused is a 400.
    String scope = ctx.body().isEmpty() ? "all" : scope(Input.of(ctx));
    String prefix = SCOPES.get(scope);
    if (prefix == null) {
      throw ProblemException.validation(List.of(new ProblemException.FieldError("scope",
          "must be one of " + String.join(", ", SCOPES.keySet().stream().sorted().toList()))));
    }
    Future<CacheCount> redis = cacheRole.request(CacheClear.ENDPOINT, new CacheClear(List.of(prefix)));
    Replies.noContent(ctx, redis.transform(cleared -> invalidation.prefixes(List.of(prefix)).compose(v -> {
      if (cleared.failed()) {
        return Future.failedFuture(ProblemException.unavailable("the cache could not be cleared: Redis did not answer",
            5));
      }
      LOG.info("cache scope " + scope + " cleared by " + caller.id() + ": " + cleared.result().value()
          + " Redis entries, near caches on every http node");
      return Future.succeededFuture();
    })));
  }
}
