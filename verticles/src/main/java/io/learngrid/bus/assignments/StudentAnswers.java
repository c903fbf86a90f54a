package io.learngrid.bus.assignments;

import io.learngrid.bus.BusMessage;
import java.util.List;

/** Reply to {@link ListStudentAnswers}: the attempts as docs/api.md shows them, newest first. */
public record StudentAnswers(List<Attempt> items) implements BusMessage {

  /** {@code answer} is the submitted JSON value (a string or a number). */
  public record Attempt(String eventId, String questionId, Object answer, boolean correct, int pointsAwarded,
                        String submittedAt, boolean late) {

    /** Keyset position: events are ordered by (submittedAt, eventId). */
    public String cursor() {
      return submittedAt + "|" + eventId;
    }
  }
}
