package io.learngrid.ai;

/**
 * The outcomes of an upstream's calls over a sliding window, in ten buckets: what opens its
 * breaker on a failure rate. Vert.x's breaker counts failures but a success resets the count, so
 * an upstream failing every other call never opened it; this one opens at, say, half of 20 calls
 * in 10 s, whatever their order.
 */
final class FailureRate {

  private static final int BUCKETS = 10;

  private final long bucketMillis;
  private final int minCalls;
  private final int percent;
  private final long[] started = new long[BUCKETS];
  private final int[] calls = new int[BUCKETS];
  private final int[] failures = new int[BUCKETS];

  FailureRate(long windowMillis, int minCalls, int percent) {
    this.bucketMillis = Math.max(1, windowMillis / BUCKETS);
    this.minCalls = minCalls;
    this.percent = percent;
  }

  /** Counts one call; true when, with it, the window's failures reach the rate. */
  synchronized boolean record(boolean failed, long nowMillis) {
    long slot = nowMillis / bucketMillis;
    int i = (int) (slot % BUCKETS);
    if (started[i] != slot) {
      started[i] = slot;
      calls[i] = 0;
      failures[i] = 0;
    }
    calls[i]++;
    if (failed) {
      failures[i]++;
    }
    int windowCalls = 0;
    int windowFailures = 0;
    for (int b = 0; b < BUCKETS; b++) {
      if (slot - started[b] < BUCKETS) {
        windowCalls += calls[b];
        windowFailures += failures[b];
      }
    }
    return windowCalls >= minCalls && windowFailures * 100L >= (long) percent * windowCalls;
  }

  int percent() {
    return percent;
  }

  /** Forgets the window: after the breaker opened, the calls that opened it count no more. */
  synchronized void clear() {
    java.util.Arrays.fill(calls, 0);
    java.util.Arrays.fill(failures, 0);
  }
}
