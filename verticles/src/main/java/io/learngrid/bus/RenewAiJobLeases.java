package io.learngrid.bus;

import java.util.List;

/** Extends the leases of jobs still running under {@code leaseTokens} by {@code leaseMillis}; replies {@link Done}. */
public record RenewAiJobLeases(List<String> leaseTokens, long leaseMillis) implements BusMessage {
  public static final String ADDRESS = "learngrid.ai.jobs.renew";
}
