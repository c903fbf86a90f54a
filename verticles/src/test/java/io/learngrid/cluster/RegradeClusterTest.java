package io.learngrid.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.Api;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.CloseAfterAll;
import io.learngrid.support.Eventually;
import io.learngrid.support.LearningFixture;
import io.learngrid.support.LearningFixture.Account;
import io.learngrid.support.LearningFixture.Assignment;
import io.learngrid.support.LearningFixture.QuestionSpec;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A regrade while 64 submitters answer through two nodes that both run the aggregator and the regrader")
class RegradeClusterTest {

  private static final String[] CHOICES = {"A", "B", "C"};
  // What question_scores must hold: the events folded from scratch.
  private static final String MISMATCHED_SCORES = """
      WITH truth AS (
        SELECT student_id, question_id, count(*)::int AS attempts, bool_or(correct) AS correct,
               max(points_awarded) AS best_points, max(submitted_at) AS last_event_at
        FROM answer_events WHERE assignment_id = $1 GROUP BY student_id, question_id
      ),
      scores AS (
        SELECT student_id, question_id, attempts, correct, best_points, last_event_at FROM question_scores
        WHERE assignment_id = $1
      )
      SELECT count(*) FROM ((TABLE truth EXCEPT TABLE scores) UNION ALL (TABLE scores EXCEPT TABLE truth)) d""";

  @CloseAfterAll
  private static final LearningFixture fixture = LearningFixture.open();
  @CloseAfterAll
  private static TestNode first;
  @CloseAfterAll
  private static TestNode second;

  @BeforeAll
  static void startCluster() {
    String cluster = TestNode.newClusterName();
    first = NodeSettings.defaults().cluster(cluster).start();
    second = NodeSettings.defaults().cluster(cluster).start();
  }

  @Test
  @DisplayName("exactly that question's events are regraded to the new key, scores equal the events, progress within 10 s")
  void regradeDuringLoad() throws Exception {
    Account teacher = fixture.teacher();
    String course = fixture.course(teacher.id());
    Assignment assignment = fixture.assignment(course, List.of(new QuestionSpec("choice", "A", 3),
        new QuestionSpec("choice", "A", 2)));
    fixture.execute("UPDATE questions SET choices = '[\"A\", \"B\", \"C\"]'::jsonb WHERE assignment_id = $1",
        UUID.fromString(assignment.id()));
    String edited = assignment.questionIds().get(0);
    String other = assignment.questionIds().get(1);
    List<Account> students = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      Account student = fixture.student();
      fixture.enroll(course, student.id());
      students.add(student);
    }
    Api[] apis = {first.api(), second.api()};
    // A witness who answered "A" (right under the old key) before the edit, and nothing else.
    Account witness = fixture.student();
    fixture.enroll(course, witness.id());
    assertThat(answer(apis[0], assignment, edited, "A", witness).json().getBoolean("correct")).isTrue();

    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger accepted = new AtomicInteger();
    List<Future<?>> submitters = new ArrayList<>();
    long editedAtNanos;
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < students.size(); i++) {
        Account student = students.get(i);
        Api api = apis[i % 2];
        int seed = i;
        submitters.add(threads.submit(() -> {
          for (int n = seed; !stop.get(); n++) {
            String question = n % 4 == 0 ? other : edited;
            if (answer(api, assignment, question, CHOICES[n % 3], student).status() == 202) {
              accepted.incrementAndGet();
            }
          }
          return null;
        }));
      }
      Eventually.within(20, () -> accepted.get() >= 500);
      Reply patched = apis[1].patch("/api/v1/assignments/" + assignment.id() + "/questions/" + edited,
          new JsonObject().put("answer", "B"), teacher.token());
      editedAtNanos = System.nanoTime();
      assertThat(patched.status()).isEqualTo(200);
      int atEdit = accepted.get();
      // While the submitters go on, the witness's progress shows the regrade within 10 s of the edit.
      Eventually.within(10, () -> {
        JsonObject progress = apis[0].get("/api/v1/me/progress", witness.token()).json();
        return progress.encode().contains(
            "\"assignmentId\":\"" + assignment.id() + "\",\"answered\":1,\"correct\":0,\"points\":0");
      });
      long seenAfterMillis = (System.nanoTime() - editedAtNanos) / 1_000_000;
      assertThat(seenAfterMillis).as("ms from the edit's reply until progress showed the regrade").isLessThan(10_000);
      assertThat(accepted.get()).as("answers kept arriving while the regrade ran").isGreaterThan(atEdit);
      Eventually.within(20, () -> accepted.get() >= atEdit + 500);
      stop.set(true);
      for (Future<?> submitter : submitters) {
        submitter.get();
      }
    }

    UUID editedId = UUID.fromString(edited);
    UUID otherId = UUID.fromString(other);
    UUID assignmentId = UUID.fromString(assignment.id());
    Eventually.within(10, () -> fixture.number("SELECT count(*) FROM regrades WHERE question_id = $1 AND done_at IS NULL",
        editedId) == 0 && fixture.number("SELECT count(*) FROM pending_events") == 0);
    assertThat(fixture.number("SELECT count(*) FROM answer_events WHERE question_id = $1", editedId)).isGreaterThan(500);
    assertThat(fixture.number("""
        SELECT count(*) FROM answer_events WHERE question_id = $1
          AND (key_version <> 2 OR correct <> (answer #>> '{}' = 'B') OR points_awarded <> CASE WHEN answer #>> '{}' = 'B' THEN 3 ELSE 0 END)""",
        editedId)).as("events of the edited question not graded with key 2").isZero();
    assertThat(fixture.number("""
        SELECT count(*) FROM answer_events WHERE question_id = $1
          AND (key_version <> 1 OR correct <> (answer #>> '{}' = 'A') OR points_awarded <> CASE WHEN answer #>> '{}' = 'A' THEN 2 ELSE 0 END)""",
        otherId)).as("events of the other question changed").isZero();
    assertThat(fixture.number(MISMATCHED_SCORES, assignmentId)).as("question_scores rows unlike the events").isZero();
  }

  private static Reply answer(Api api, Assignment assignment, String question, String choice, Account student) {
    return api.post("/api/v1/assignments/" + assignment.id() + "/answers",
        new JsonObject().put("questionId", question).put("answer", choice), student.token());
  }
}
