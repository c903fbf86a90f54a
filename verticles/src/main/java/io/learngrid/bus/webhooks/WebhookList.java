package io.learngrid.bus.webhooks;

import io.learngrid.bus.BusMessage;
import java.util.List;

/** Reply to {@link ListWebhooks}. */
public record WebhookList(List<Webhook> items) implements BusMessage {}
