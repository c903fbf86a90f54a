package io.learngrid.bus.cache;

import io.learngrid.bus.Endpoint;
import io.learngrid.bus.BusMessage;

import java.util.List;

/**
 * Takes one request from every limit in {@code limits} at once (GCRA: {@code limit} requests per
 * {@code periodSeconds}, evenly refilled), or from none when any of them is exhausted. Replies
 * {@link RateDecision}.
 */
public record RateCheck(List<Limit> limits) implements BusMessage {
  public static final String ADDRESS = "learngrid.cache.rate";
  public static final Endpoint<RateCheck, RateDecision> ENDPOINT = Endpoint.of(ADDRESS, RateCheck.class, RateDecision.class);

  /** One budget: {@code key} names it (e.g. {@code user:{id}}), shared by every node. */
  public record Limit(String key, int limit, int periodSeconds) {}
}
