package io.learngrid.bus.webhooks;

import io.learngrid.bus.BusMessage;
import io.learngrid.bus.Endpoint;
import java.util.List;

/**
 * An admin ({@code userId}) subscribes {@code url} to {@code events} (types of
 * {@link io.learngrid.bus.events.CourseEventTypes#WEBHOOK_TYPES}); replies the {@link Webhook} with
 * its secret, the one reply that carries it. CONFLICT past the limit of webhooks.
 */
public record CreateWebhook(String userId, String url, List<String> events) implements BusMessage {
  public static final String ADDRESS = "learngrid.webhooks.create";
  public static final Endpoint<CreateWebhook, Webhook> ENDPOINT = Endpoint.of(ADDRESS, CreateWebhook.class, Webhook.class);
}
