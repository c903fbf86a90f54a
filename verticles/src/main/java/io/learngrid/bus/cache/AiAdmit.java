package io.learngrid.bus.cache;

import io.learngrid.bus.BusMessage;
import io.learngrid.bus.Endpoint;
import java.util.List;

/**
 * The ai role's one cache-role request before an upstream call: checks every daily token budget in
 * {@code budgets} and, when all take the request, holds {@code tokens} against each under
 * {@code reservationId} for {@code leaseMillis} (then it expires: its node died before settling);
 * with {@code lookupKey} set, also looks the reply up (and takes its load lock for
 * {@code lockMillis}, as {@link CacheLookup}). A hit reserves nothing. {@code lifetimeSeconds}: how
 * long the day's counters live. Replies {@link AiAdmission}; settle with {@link AiSettle}.
 */
public record AiAdmit(List<Budget> budgets, String reservationId, long tokens, long leaseMillis, int lifetimeSeconds,
                      String lookupKey, long lockMillis) implements BusMessage {
  public static final String ADDRESS = "learngrid.cache.ai-admit";
  public static final Endpoint<AiAdmit, AiAdmission> ENDPOINT = Endpoint.of(ADDRESS, AiAdmit.class, AiAdmission.class);

  /** One budget: its day's key (e.g. {@code ai:budget:user:{id}:2026-12-04}) and limit in tokens. */
  public record Budget(String key, long limit) {}
}
