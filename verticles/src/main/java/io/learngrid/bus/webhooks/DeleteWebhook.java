package io.learngrid.bus.webhooks;

import io.learngrid.bus.BusMessage;
import io.learngrid.bus.Done;
import io.learngrid.bus.Endpoint;

/** Deletes a webhook (its queued deliveries are dropped when they come up); NOT_FOUND when there is none. */
public record DeleteWebhook(String webhookId) implements BusMessage {
  public static final String ADDRESS = "learngrid.webhooks.delete";
  public static final Endpoint<DeleteWebhook, Done> ENDPOINT = Endpoint.of(ADDRESS, DeleteWebhook.class, Done.class);
}
