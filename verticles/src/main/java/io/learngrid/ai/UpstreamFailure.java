package io.learngrid.ai;

/**
 * One failed attempt at an upstream: whether another attempt may help (429, 5xx, connection
 * errors, timeouts) and how long the upstream asked us to wait ({@code Retry-After}, 0 if it did not).
 * No stack trace: these are expected, and counted rather than logged one by one.
 */
final class UpstreamFailure extends RuntimeException {

  final boolean retryable;
  final long retryAfterMillis;
  final String outcome;

  UpstreamFailure(String detail, boolean retryable, long retryAfterMillis, String outcome) {
    super(detail, null, false, false);
    this.retryable = retryable;
    this.retryAfterMillis = retryAfterMillis;
    this.outcome = outcome;
  }
}
