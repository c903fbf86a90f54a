package io.learngrid.bus.cache;

import io.learngrid.bus.BusMessage;
import io.learngrid.bus.Endpoint;
import java.util.List;

/**
 * Several rate checks in one message, decided in one Redis script in order (a budget named by two
 * checks sees the first one's take). An http node sends the checks of the requests that arrived
 * in one turn of its event loop together: one bus hop and one round trip to Redis for all of them.
 * Replies {@link RateDecisions}, one decision per check in the same order.
 */
public record RateChecks(List<RateCheck> checks) implements BusMessage {
  public static final String ADDRESS = "learngrid.cache.rates";
  public static final Endpoint<RateChecks, RateDecisions> ENDPOINT =
      Endpoint.of(ADDRESS, RateChecks.class, RateDecisions.class);
  /** Checks one message may carry. */
  public static final int MAX_CHECKS = 256;
}
