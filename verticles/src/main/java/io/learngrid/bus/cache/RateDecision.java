package io.learngrid.bus.cache;

import io.learngrid.bus.BusMessage;

/**
 * Reply to {@link RateCheck}: whether the request may go on, and the tightest of its limits:
 * its size, the requests left, the milliseconds until it is whole again, and (when refused) the
 * milliseconds until one more request is allowed.
 */
public record RateDecision(boolean allowed, int limit, long remaining, long resetMillis, long retryAfterMillis)
    implements BusMessage {}
