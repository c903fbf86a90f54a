package io.learngrid.bus.courses;

import io.learngrid.bus.Endpoint;
import io.learngrid.bus.BusMessage;

/**
 * One page, by course id, of a user's courses: those a student is enrolled in ({@code enrolled}
 * true), else those the user teaches. Deleted courses are left out. Replies {@link CourseList}.
 */
public record ListMyCourses(String userId, boolean enrolled, String afterId, int limit) implements BusMessage {
  public static final String ADDRESS = "learngrid.courses.mine";
  public static final Endpoint<ListMyCourses, CourseList> ENDPOINT =
      Endpoint.of(ADDRESS, ListMyCourses.class, CourseList.class);
}
