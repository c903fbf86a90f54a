package io.learngrid.bus.jobs;

import io.learngrid.bus.BusMessage;

/** Reply to {@link CreateJob}: docs/api.md's 202 body. */
public record JobAccepted(String jobId) implements BusMessage {}
