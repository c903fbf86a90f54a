package io.learngrid.bus;

import java.util.List;

/** Reply to {@link ListCourses}, in id order. */
public record CourseList(List<Course> items) implements BusMessage {}
