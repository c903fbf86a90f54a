package io.learngrid.bus.jobs;

import io.learngrid.bus.BusMessage;
import io.learngrid.bus.Done;
import io.learngrid.bus.Endpoint;

/**
 * Records how far the attempt held under {@code leaseToken} has come ({@code done} of {@code total}
 * units, e.g. roster rows), shown on {@code GET /jobs/{id}} while it runs. Replies {@link Done},
 * or CONFLICT when the lease is no longer this claim's.
 */
public record ReportJobProgress(String id, String leaseToken, long done, long total) implements BusMessage {
  public static final String ADDRESS = "learngrid.jobs.progress";
  public static final Endpoint<ReportJobProgress, Done> ENDPOINT =
      Endpoint.of(ADDRESS, ReportJobProgress.class, Done.class);
}
