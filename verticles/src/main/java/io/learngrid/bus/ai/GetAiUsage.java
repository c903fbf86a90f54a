package io.learngrid.bus.ai;

import io.learngrid.bus.BusMessage;
import io.learngrid.bus.Endpoint;

/**
 * AI usage from {@code from} to {@code to} (UTC days, ISO {@code YYYY-MM-DD}, both included), summed by
 * {@code groupBy}: {@value #USER}, {@value #MODEL} or {@value #DAY}. Read from the daily roll-ups,
 * never the raw rows. Replies {@link AiUsageReport}.
 */
public record GetAiUsage(String from, String to, String groupBy) implements BusMessage {
  public static final String ADDRESS = "learngrid.persistence.ai-usage.report";
  public static final Endpoint<GetAiUsage, AiUsageReport> ENDPOINT =
      Endpoint.of(ADDRESS, GetAiUsage.class, AiUsageReport.class);
  public static final String USER = "user";
  public static final String MODEL = "model";
  public static final String DAY = "day";
  /** The longest range a report covers, in days: a bound on what one request reads. */
  public static final int MAX_DAYS = 366;
}
