package io.learngrid.bus.events;

import java.util.List;

/** The event types of the course stream and of webhooks (docs/api.md "Live events and webhooks"). */
public final class CourseEventTypes {
  public static final String ANSWER_SUBMITTED = "answer.submitted";
  public static final String PROGRESS_UPDATED = "progress.updated";
  public static final String ENROLLMENT_CREATED = "enrollment.created";
  public static final String ENROLLMENT_DELETED = "enrollment.deleted";
  /** Webhooks only: not a course event. */
  public static final String JOB_FINISHED = "job.finished";

  /** Every type a webhook may subscribe to. */
  public static final List<String> WEBHOOK_TYPES =
      List.of(ANSWER_SUBMITTED, PROGRESS_UPDATED, ENROLLMENT_CREATED, ENROLLMENT_DELETED, JOB_FINISHED);

  private CourseEventTypes() {}
}
