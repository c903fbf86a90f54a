package io.learngrid.http.events;

import io.learngrid.bus.BusClient;
import io.learngrid.bus.events.CourseEventTypes;
import io.learngrid.bus.webhooks.CreateWebhook;
import io.learngrid.bus.webhooks.DeleteWebhook;
import io.learngrid.bus.webhooks.ListWebhooks;
import io.learngrid.bus.webhooks.Webhook;
import io.learngrid.http.Caller;
import io.learngrid.http.Ids;
import io.learngrid.http.Input;
import io.learngrid.http.ProblemException;
import io.learngrid.http.Replies;
import io.learngrid.security.PublicAddresses;
import io.learngrid.security.UserRole;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Admins' webhooks: {@code POST/GET /admin/webhooks}, {@code DELETE /admin/webhooks/{id}}. A URL
 * whose host does not resolve, or resolves to a non-public address (unless
 * {@code LEARNGRID_WEBHOOK_ALLOW_PRIVATE}), is refused here with 400; each delivery checks again.
 */
public final class WebhookRoutes {

  private static final Set<UserRole> ADMINS = EnumSet.of(UserRole.ADMIN);

  private final Vertx vertx;
  private final BusClient persistence;
  private final boolean allowPrivate;

  public WebhookRoutes(Vertx vertx, long busTimeout, boolean allowPrivate) {
    this.vertx = vertx;
    this.persistence = new BusClient(vertx, busTimeout);
    this.allowPrivate = allowPrivate;
  }

  public void create(RoutingContext ctx) {
    Caller admin = Caller.of(ctx).requireRole(ADMINS);
    Input input = Input.of(ctx);
    String url = input.text("url");
    List<String> events = input.strings("events");
    input.validate();
    String bad = PublicAddresses.badUrl(url);
    if (bad != null) {
      throw refused("url", bad);
    }
    Set<String> types = new LinkedHashSet<>(events);
    if (types.isEmpty() || !CourseEventTypes.WEBHOOK_TYPES.containsAll(types)) {
      throw refused("events", "must name at least one of " + String.join(", ", CourseEventTypes.WEBHOOK_TYPES));
    }
    String host = URI.create(url).getHost();
    Future<Object> checked = vertx.executeBlocking(() -> {
      try {
        PublicAddresses.resolve(host, allowPrivate);
        return null;
      } catch (IllegalArgumentException e) {
        throw refused("url", "is refused: " + e.getMessage());
      } catch (UnknownHostException e) {
        throw refused("url", "names a host that does not resolve: " + host);
      }
    }, false);
    Replies.json(ctx, 201, checked
        .compose(ok -> persistence.request(CreateWebhook.ENDPOINT, new CreateWebhook(admin.id(), url, List.copyOf(types))))
        .map(webhook -> json(webhook).put("secret", webhook.secret())));
  }

  public void list(RoutingContext ctx) {
    Caller.of(ctx).requireRole(ADMINS);
    Replies.json(ctx, 200, persistence.request(ListWebhooks.ENDPOINT, new ListWebhooks()).map(list -> {
      JsonArray items = new JsonArray();
      list.items().forEach(webhook -> items.add(json(webhook)));
      return new JsonObject().put("items", items).put("nextCursor", null);
    }));
  }

  public void delete(RoutingContext ctx) {
    Caller.of(ctx).requireRole(ADMINS);
    String id = Ids.path(ctx, "webhookId", "webhook");
    Replies.noContent(ctx, persistence.request(DeleteWebhook.ENDPOINT, new DeleteWebhook(id)));
  }

  /** Without the secret: only the creation reply shows it. */
  private static JsonObject json(Webhook webhook) {
    return new JsonObject()
        .put("id", webhook.id())
        .put("url", webhook.url())
        .put("events", new JsonArray(webhook.events()))
        .put("createdAt", webhook.createdAt())
        .put("status", webhook.status())
        .put("disabledAt", webhook.disabledAt())
        .put("disabledReason", webhook.disabledReason());
  }

  private static ProblemException refused(String field, String message) {
    return ProblemException.validation(List.of(new ProblemException.FieldError(field, message)));
  }
}
