package io.learngrid.bus.jobs;

import io.learngrid.bus.BusMessage;

/** Reply to {@link FinishJob}: the job's status after it ("succeeded", "queued" again, or "failed"). */
public record FinishedJob(String status) implements BusMessage {}
