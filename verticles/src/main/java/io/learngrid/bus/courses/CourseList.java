package io.learngrid.bus.courses;

import io.learngrid.bus.BusMessage;

import java.util.List;

/** Reply to {@link ListCourses}, in id order. */
public record CourseList(List<Course> items) implements BusMessage {}
