package io.learngrid.bus;

/** Reply to {@link CreateAiJob}: API.md's 202 body. */
public record JobAccepted(String jobId) implements BusMessage {}
