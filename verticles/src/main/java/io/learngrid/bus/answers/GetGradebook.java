package io.learngrid.bus.answers;

import io.learngrid.bus.BusMessage;
import io.learngrid.bus.Endpoint;

/**
 * One page of a course's gradebook: up to {@code limit} enrolled students with an id after
 * {@code afterId} (null for the first page), in id order; replies {@link Gradebook}. The caller
 * has already checked that the requester may read the course's gradebook.
 */
public record GetGradebook(String courseId, String afterId, int limit) implements BusMessage {
  public static final String ADDRESS = "learngrid.progress.gradebook";
  public static final Endpoint<GetGradebook, Gradebook> ENDPOINT = Endpoint.of(ADDRESS, GetGradebook.class, Gradebook.class);
}
