package io.learngrid.answers;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.LearningFixture;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.TestNode;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("answer_events partitions: months created ahead, stray rows moved out of DEFAULT, expired months dropped")
class AnswerPartitionsTest {

  private static String name(YearMonth month) {
    return "answer_events_y%04dm%02d".formatted(month.getYear(), month.getMonthValue());
  }

  private static OffsetDateTime start(YearMonth month) {
    return month.atDay(1).atStartOfDay().atOffset(ZoneOffset.UTC);
  }

  private static UUID insertEvent(LearningFixture fixture, OffsetDateTime submittedAt) {
    UUID id = UUID.randomUUID();
    fixture.execute("""
        INSERT INTO answer_events (event_id, submitted_at, student_id, course_id, assignment_id, question_id, answer,
                                   correct, points_awarded)
        VALUES ($1, $2, $3, $3, $3, $3, '"x"', false, 0)""", id, submittedAt, UUID.randomUUID());
    return id;
  }

  private static String partitionOf(LearningFixture fixture, UUID eventId) {
    List<io.vertx.core.json.JsonObject> rows = fixture.rows(
        "SELECT tableoid::regclass::text AS t FROM answer_events WHERE event_id = $1", eventId);
    return rows.isEmpty() ? null : rows.get(0).getString("t");
  }

  private static boolean exists(LearningFixture fixture, String table) {
    return fixture.number("SELECT count(*) FROM pg_class WHERE relname = $1", table) == 1;
  }

  @Test
  @DisplayName("nodes starting together create this month and the next two, move DEFAULT rows into them and drop months past retention")
  void upkeepAtStart() throws Exception {
    YearMonth current = YearMonth.now(ZoneOffset.UTC);
    YearMonth ahead = current.plusMonths(2);
    try (TestNode migrated = NodeSettings.defaults().start(); LearningFixture fixture = LearningFixture.open()) {
      for (int i = 0; i <= 2; i++) {
        assertThat(exists(fixture, name(current.plusMonths(i)))).as(name(current.plusMonths(i))).isTrue();
      }
      // A month that no node created in time: its rows land in DEFAULT.
      fixture.ddl("DROP TABLE " + name(ahead));
      UUID stray = insertEvent(fixture, start(ahead).plusDays(3));
      assertThat(partitionOf(fixture, stray)).isEqualTo("answer_events_default");
      // A month far past retention (400 days by default), and an old row in DEFAULT.
      fixture.ddl("CREATE TABLE answer_events_y2001m01 PARTITION OF answer_events "
          + "FOR VALUES FROM ('2001-01-01 00:00:00+00') TO ('2001-02-01 00:00:00+00')");
      UUID expired = insertEvent(fixture, OffsetDateTime.parse("2001-01-15T12:00:00Z"));
      UUID expiredInDefault = insertEvent(fixture, OffsetDateTime.parse("2000-06-15T12:00:00Z"));
      assertThat(partitionOf(fixture, expired)).isEqualTo("answer_events_y2001m01");

      // Two nodes start at once; the advisory lock lets one do the work and the other find nothing left.
      CompletableFuture<TestNode> one = CompletableFuture.supplyAsync(() -> NodeSettings.defaults().start());
      CompletableFuture<TestNode> two = CompletableFuture.supplyAsync(() -> NodeSettings.defaults().start());
      try (TestNode a = one.get(); TestNode b = two.get()) {
        assertThat(exists(fixture, name(ahead))).isTrue();
        assertThat(partitionOf(fixture, stray)).isEqualTo(name(ahead));
        assertThat(exists(fixture, "answer_events_y2001m01")).isFalse();
        assertThat(partitionOf(fixture, expired)).isNull();
        assertThat(partitionOf(fixture, expiredInDefault)).isNull();
        assertThat(fixture.number("SELECT count(*) FROM answer_events_default WHERE submitted_at >= $1",
            start(current))).isZero();
        // New rows of that month now go straight to its partition.
        UUID later = insertEvent(fixture, start(ahead).plusDays(10));
        assertThat(partitionOf(fixture, later)).isEqualTo(name(ahead));
        fixture.execute("DELETE FROM answer_events WHERE event_id = ANY($1)", (Object) new UUID[] {stray, later});
      }
    }
  }
}
