package io.learngrid.bus.jobs;

import io.learngrid.bus.BusMessage;

/** Reply to {@link FinishAiJob}: the job's status after it ("succeeded", "queued" again, or "failed"). */
public record FinishedAiJob(String status) implements BusMessage {}
