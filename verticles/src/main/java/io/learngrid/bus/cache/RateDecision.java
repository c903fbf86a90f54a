package io.learngrid.bus.cache;

import io.learngrid.bus.BusMessage;

/**
 * Reply to {@link RateCheck}: whether the request may go on, and the tightest of its limits:
 * its size, the requests left, the milliseconds until it is whole again, and (when refused) the
 * milliseconds until one more request is allowed; {@code granted} is how many requests were taken
 * (at least one when allowed, at most the check's {@code requests}).
 */
public record RateDecision(boolean allowed, int limit, long remaining, long resetMillis, long retryAfterMillis,
    int granted) implements BusMessage {

  /** A decision on one request. */
  public RateDecision(boolean allowed, int limit, long remaining, long resetMillis, long retryAfterMillis) {
    this(allowed, limit, remaining, resetMillis, retryAfterMillis, allowed ? 1 : 0);
  }
}
