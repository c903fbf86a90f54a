package io.learngrid.bus;

/** Reply to {@link ChatStreamStart}: where to send {@link ChatStreamControl} messages for the stream. */
public record ChatStreamAccepted(String controlAddress, String model, boolean cached) implements BusMessage {}
