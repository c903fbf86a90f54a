package io.learngrid.bus.cache;

import io.learngrid.bus.BusMessage;
import io.learngrid.bus.Endpoint;
import java.util.List;

/**
 * Ends reservation {@code reservationId} in each of {@code budgetKeys} and counts the request's
 * real {@code tokens} (0: a release). Replies {@link AiSettled}.
 */
public record AiSettle(List<String> budgetKeys, String reservationId, long tokens, int lifetimeSeconds)
    implements BusMessage {
  public static final String ADDRESS = "learngrid.cache.ai-settle";
  public static final Endpoint<AiSettle, AiSettled> ENDPOINT = Endpoint.of(ADDRESS, AiSettle.class, AiSettled.class);
}
