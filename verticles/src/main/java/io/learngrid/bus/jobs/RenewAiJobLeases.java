package io.learngrid.bus.jobs;

import io.learngrid.bus.Endpoint;
import io.learngrid.bus.BusMessage;
import io.learngrid.bus.Done;

import java.util.List;

/** Extends the leases of jobs still running under {@code leaseTokens} by {@code leaseMillis}; replies {@link Done}. */
public record RenewAiJobLeases(List<String> leaseTokens, long leaseMillis) implements BusMessage {
  public static final String ADDRESS = "learngrid.ai.jobs.renew";
  public static final Endpoint<RenewAiJobLeases, Done> ENDPOINT = Endpoint.of(ADDRESS, RenewAiJobLeases.class, Done.class);
}
