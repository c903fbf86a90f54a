package io.learngrid.bus.jobs;

import io.learngrid.bus.BusMessage;
import io.learngrid.bus.Done;
import io.learngrid.bus.Endpoint;
import java.util.List;

/** Extends the leases of jobs still running under {@code leaseTokens} by {@code leaseMillis}; replies {@link Done}. */
public record RenewJobLeases(List<String> leaseTokens, long leaseMillis) implements BusMessage {
  public static final String ADDRESS = "learngrid.jobs.renew";
  public static final Endpoint<RenewJobLeases, Done> ENDPOINT = Endpoint.of(ADDRESS, RenewJobLeases.class, Done.class);
}
