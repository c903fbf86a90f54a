package io.learngrid.bus.cache;

import io.learngrid.bus.Endpoint;
import io.learngrid.bus.BusMessage;

import java.util.List;

/**
 * Takes {@code requests} requests (absent or 0: one) from every limit in {@code limits} at once
 * (GCRA: {@code limit} requests per {@code periodSeconds}, evenly refilled), or fewer when fewer are
 * left, or none when any limit is exhausted. More than one is a node's lease of a busy budget, which
 * it then spends in its own memory. Replies {@link RateDecision}.
 */
public record RateCheck(List<Limit> limits, int requests) implements BusMessage {
  public static final String ADDRESS = "learngrid.cache.rate";
  public static final Endpoint<RateCheck, RateDecision> ENDPOINT = Endpoint.of(ADDRESS, RateCheck.class, RateDecision.class);

  /** One request. */
  public RateCheck(List<Limit> limits) {
    this(limits, 1);
  }

  /** One budget: {@code key} names it (e.g. {@code user:{id}}), shared by every node. */
  public record Limit(String key, int limit, int periodSeconds) {}
}
