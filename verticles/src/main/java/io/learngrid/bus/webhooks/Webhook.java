package io.learngrid.bus.webhooks;

import io.learngrid.bus.BusMessage;
import java.util.List;

/**
 * A webhook subscription. {@code secret} only in the reply to {@link CreateWebhook}; {@code status}
 * {@code active} or {@code disabled}, and when disabled, since when and why.
 */
public record Webhook(String id, String url, List<String> events, String secret, String createdAt, String status,
                      String disabledAt, String disabledReason) implements BusMessage {}
