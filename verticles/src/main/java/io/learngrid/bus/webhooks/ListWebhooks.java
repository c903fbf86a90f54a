package io.learngrid.bus.webhooks;

import io.learngrid.bus.BusMessage;
import io.learngrid.bus.Endpoint;

/** Every webhook, oldest first, without secrets; replies {@link WebhookList}. */
public record ListWebhooks() implements BusMessage {
  public static final String ADDRESS = "learngrid.webhooks.list";
  public static final Endpoint<ListWebhooks, WebhookList> ENDPOINT =
      Endpoint.of(ADDRESS, ListWebhooks.class, WebhookList.class);
}
