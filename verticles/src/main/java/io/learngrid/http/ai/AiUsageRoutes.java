package io.learngrid.http.ai;

import io.learngrid.bus.BusClient;
import io.learngrid.bus.ai.AiUsageReport;
import io.learngrid.bus.ai.GetAiUsage;
import io.learngrid.http.Caller;
import io.learngrid.security.UserRole;
import io.learngrid.http.Replies;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumSet;
import java.util.Set;

/**
 * Admins over AI usage (API v1.1): totals by user, model or day over a date range. The contract
 * checks the parameters' form; the persistence role checks the dates and the range's length.
 */
public final class AiUsageRoutes {

  private static final Set<UserRole> ADMINS = EnumSet.of(UserRole.ADMIN);

  private final BusClient persistence;

  public AiUsageRoutes(Vertx vertx, long busTimeout) {
    this.persistence = new BusClient(vertx, busTimeout);
  }

  public void report(RoutingContext ctx) {
    Caller.of(ctx).requireRole(ADMINS);
    GetAiUsage query = new GetAiUsage(ctx.queryParams().get("from"), ctx.queryParams().get("to"),
        ctx.queryParams().get("groupBy"));
    Replies.json(ctx, 200, persistence.request(GetAiUsage.ENDPOINT, query).map(AiUsageReport::toJson));
  }
}
