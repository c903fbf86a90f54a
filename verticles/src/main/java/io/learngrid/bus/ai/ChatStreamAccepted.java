package io.learngrid.bus.ai;

import io.learngrid.bus.BusMessage;

/** Reply to {@link ChatStreamStart}: where to send {@link ChatStreamControl} messages for the stream. */
public record ChatStreamAccepted(String controlAddress, String model, boolean cached) implements BusMessage {}
