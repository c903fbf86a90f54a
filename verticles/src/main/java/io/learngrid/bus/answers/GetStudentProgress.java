package io.learngrid.bus.answers;

import io.learngrid.bus.Endpoint;
import io.learngrid.bus.BusMessage;

/**
 * One student's progress in one course, read by {@code requesterId}; replies {@link Progress}, or
 * NOT_FOUND unless the requester owns the course (or {@code requesterRole} is admin) and the
 * student is enrolled in it.
 */
public record GetStudentProgress(String requesterId, String requesterRole, String courseId, String studentId)
    implements BusMessage {
  public static final String ADDRESS = "learngrid.progress.student";
  public static final Endpoint<GetStudentProgress, Progress> ENDPOINT = Endpoint.of(ADDRESS, GetStudentProgress.class, Progress.class);
}
