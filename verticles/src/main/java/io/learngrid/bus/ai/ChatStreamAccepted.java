package io.learngrid.bus.ai;

import io.learngrid.bus.BusMessage;

/**
 * Reply to {@link ChatStreamStart}: where to send {@link ChatStreamControl} messages for the stream,
 * and {@code upstreamMicros}, how long the upstream took to answer the request's head (0 for a cached reply).
 */
public record ChatStreamAccepted(String controlAddress, String model, boolean cached, long upstreamMicros)
    implements BusMessage {}
