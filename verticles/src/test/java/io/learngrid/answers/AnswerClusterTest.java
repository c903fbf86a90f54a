package io.learngrid.answers;

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
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Answers through two clustered nodes: stored and aggregated exactly once, under load and when a node fails")
class AnswerClusterTest {

  private static final int QUESTIONS = 20;

  private static String cluster;
  @CloseAfterAll
  private static TestNode first;
  @CloseAfterAll
  private static TestNode second;
  @CloseAfterAll
  private static LearningFixture fixture;

  @BeforeAll
  static void start() {
    cluster = TestNode.newClusterName();
    first = NodeSettings.defaults().cluster(cluster).start();
    second = NodeSettings.defaults().cluster(cluster).start();
    fixture = LearningFixture.open();
  }

  /** An assignment of 20 questions (choice, text, number, number-as-text) and its enrolled students. */
  private record Setup(Account teacher, Assignment assignment, List<Account> students) {}

  private static Setup setup(int studentCount) {
    Account teacher = fixture.teacher();
    String course = fixture.course(teacher.id());
    List<QuestionSpec> questions = new ArrayList<>();
    for (int i = 0; i < QUESTIONS; i++) {
      questions.add(switch (i % 4) {
        case 0 -> new QuestionSpec("choice", "A", 1);
        case 1 -> new QuestionSpec("text", "cell", 2);
        case 2 -> new QuestionSpec("number", 7, 3);
        default -> new QuestionSpec("number", 0.5, 4);
      });
    }
    Assignment assignment = fixture.assignment(course, questions);
    List<Account> students = new ArrayList<>();
    for (int i = 0; i < studentCount; i++) {
      Account student = fixture.student();
      fixture.enroll(course, student.id());
      students.add(student);
    }
    return new Setup(teacher, assignment, students);
  }

  private static Object randomAnswer(int question) {
    boolean right = ThreadLocalRandom.current().nextBoolean();
    return switch (question % 4) {
      case 0 -> right ? "A" : "B";
      case 1 -> right ? " CELL " : "nucleus";
      case 2 -> right ? 7 : 8;
      default -> right ? "0.5" : "0.6";
    };
  }

  /** What a load run saw: every reply by status, every event id of a 202, and the final 202 of each logical answer. */
  private static final class Run {
    final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    final Set<String> acceptedIds = ConcurrentHashMap.newKeySet();
    final Map<String, JsonObject> finals = new ConcurrentHashMap<>();
    final AtomicInteger accepted = new AtomicInteger();
    final AtomicInteger mismatchedReplays = new AtomicInteger();

    Reply send(Api api, String path, JsonObject body, Account student, String key) {
      Reply reply;
      try {
        reply = api.post(path, body, student.token(), Map.of("Idempotency-Key", key));
      } catch (UncheckedIOException | IllegalStateException e) {
        statuses.computeIfAbsent(-1, s -> new AtomicInteger()).incrementAndGet(); // no response at all
        return null;
      }
      statuses.computeIfAbsent(reply.status(), s -> new AtomicInteger()).incrementAndGet();
      if (reply.status() == 202) {
        acceptedIds.add(reply.json().getString("eventId"));
        accepted.incrementAndGet();
      }
      return reply;
    }

    int count(int status) {
      AtomicInteger n = statuses.get(status);
      return n == null ? 0 : n.get();
    }
  }

  /**
   * Every student posts {@code answersEach} answers one after the other, all students at once,
   * spreading requests over {@code nodes}. Each answer has its own Idempotency-Key; one in four is
   * sent again through another node (a client retry). Without a 202 the client retries with the
   * same key through the next node, as docs/api.md invites, until it gets one.
   */
  private static Run load(Setup setup, List<TestNode> nodes, int answersEach, int maxTries) throws Exception {
    Run run = new Run();
    String path = "/api/v1/assignments/" + setup.assignment().id() + "/answers";
    try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> done = new ArrayList<>();
      for (int s = 0; s < setup.students().size(); s++) {
        int studentIndex = s;
        Account student = setup.students().get(s);
        done.add(clients.submit(() -> {
          for (int k = 0; k < answersEach; k++) {
            int question = k % QUESTIONS;
            JsonObject body = new JsonObject().put("questionId", setup.assignment().questionIds().get(question))
                .put("answer", randomAnswer(question));
            String key = "load-" + k;
            Reply reply = null;
            for (int attempt = 0; attempt < maxTries && (reply == null || reply.status() != 202); attempt++) {
              reply = run.send(nodes.get((studentIndex + k + attempt) % nodes.size()).api(), path, body, student, key);
            }
            if (reply == null || reply.status() != 202) {
              continue;
            }
            run.finals.put(student.id() + "/" + key, reply.json());
            if (k % 4 == 0) {
              Reply again = run.send(nodes.get((studentIndex + k + 1) % nodes.size()).api(), path, body, student, key);
              if (again != null && again.status() == 202 && !again.json().equals(reply.json())) {
                run.mismatchedReplays.incrementAndGet();
              }
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    }
    return run;
  }

  /** Every 202 names a stored event, each logical answer is stored once, and the aggregates match the events. */
  private static void assertStoredAndFoldedExactlyOnce(Setup setup, Run run, int logicalAnswers) throws Exception {
    UUID assignment = UUID.fromString(setup.assignment().id());
    assertThat(run.finals).as("logical answers that got a 202").hasSize(logicalAnswers);
    assertThat(run.mismatchedReplays).as("replays that differ from the first response").hasValue(0);
    Set<String> stored = new HashSet<>();
    fixture.rows("SELECT event_id::text AS id FROM answer_events WHERE assignment_id = $1", assignment)
        .forEach(row -> stored.add(row.getString("id")));
    assertThat(fixture.number("SELECT count(*) FROM answer_events WHERE assignment_id = $1", assignment))
        .as("stored events").isEqualTo(logicalAnswers);
    assertThat(stored).as("stored event ids").containsAll(run.acceptedIds);
    assertThat(run.acceptedIds).as("distinct event ids in 202s").hasSize(logicalAnswers);

    Eventually.within(30, () -> fixture.number("""
        SELECT count(*) FROM pending_events p
        JOIN answer_events e ON e.event_id = p.event_id AND e.submitted_at = p.submitted_at
        WHERE e.assignment_id = $1""", assignment) == 0);
    assertThat(fixture.number("SELECT sum(attempts) FROM question_scores WHERE assignment_id = $1", assignment))
        .as("attempts folded").isEqualTo(logicalAnswers);
    assertThat(fixture.number("""
        WITH recomputed AS (
          SELECT student_id, question_id, course_id, count(*)::int AS attempts, bool_or(correct) AS correct,
                 max(points_awarded) AS best_points, max(submitted_at) AS last_event_at
          FROM answer_events WHERE assignment_id = $1 GROUP BY student_id, question_id, course_id
        ), folded AS (
          SELECT student_id, question_id, course_id, attempts, correct, best_points, last_event_at
          FROM question_scores WHERE assignment_id = $1
        )
        SELECT (SELECT count(*) FROM (SELECT * FROM recomputed EXCEPT SELECT * FROM folded) missing)
             + (SELECT count(*) FROM (SELECT * FROM folded EXCEPT SELECT * FROM recomputed) extra)""", assignment))
        .as("score rows that differ from a recomputation from answer_events").isZero();
  }

  @Test
  @DisplayName("100 students x 20 answers at once through both nodes: one event per 202, aggregates equal a recomputation")
  void hundredStudentsTwentyAnswersEach() throws Exception {
    Setup setup = setup(100);
    Run run = load(setup, List.of(first, second), 20, 1);

    assertThat(run.count(202)).as("202s (first sends and replays)").isEqualTo(2000 + 500);
    assertThat(run.statuses.keySet()).containsOnly(202);
    assertStoredAndFoldedExactlyOnce(setup, run, 2000);

    // Group commit happened, and both nodes' persistence roles took part.
    for (TestNode node : List.of(first, second)) {
      var submitted = node.node().registry().find("learngrid.answers.submitted").counter();
      assertThat(submitted.count()).as("answers stored by one node").isPositive();
    }
    double largest = Math.max(batchMax(first), batchMax(second));
    assertThat(largest).as("largest batch").isGreaterThan(1);

    // Stats and every student's progress agree with what the 202s said.
    Reply stats = first.api().get("/api/v1/assignments/" + setup.assignment().id() + "/stats", setup.teacher().token());
    assertThat(stats.json().getInteger("submissions")).isEqualTo(2000);
    assertThat(stats.json().getInteger("students")).isEqualTo(100);
    for (Account student : setup.students()) {
      Reply progress = second.api().get("/api/v1/me/progress", student.token());
      JsonObject figures = progress.json().getJsonArray("courses").getJsonObject(0).getJsonArray("assignments")
          .getJsonObject(0);
      assertThat(figures).isEqualTo(expectedFigures(setup, run, student));
    }
  }

  private static double batchMax(TestNode node) {
    return node.node().registry().find("learngrid.answer.batch.size").summary().max();
  }

  /** A student's figures computed from their 202 replies: questions answered, ever right, best points. */
  private static JsonObject expectedFigures(Setup setup, Run run, Account student) {
    Map<String, Integer> best = new HashMap<>();
    Set<String> right = new HashSet<>();
    run.finals.forEach((key, reply) -> {
      if (key.startsWith(student.id() + "/")) {
        best.merge(reply.getString("questionId"), reply.getInteger("pointsAwarded"), Math::max);
        if (reply.getBoolean("correct")) {
          right.add(reply.getString("questionId"));
        }
      }
    });
    return new JsonObject().put("assignmentId", setup.assignment().id()).put("answered", best.size())
        .put("correct", right.size()).put("points", best.values().stream().mapToInt(Integer::intValue).sum())
        .put("maxPoints", setup.assignment().maxPoints());
  }

  @Test
  @DisplayName("killing a node's database connections mid-load: every 202 is stored, failures are 5xx, retries store once")
  void connectionsKilledMidLoad() throws Exception {
    Setup setup = setup(40);
    String victim = "learngrid " + second.node().state().nodeId();
    AtomicInteger terminated = new AtomicInteger();
    try (ExecutorService background = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<Run> loading = background.submit(() -> load(setup, List.of(first, second), 25, 50));
      // Wait for the run to exist and make progress, then kill the second node's connections three times.
      for (int threshold : List.of(150, 400, 650)) {
        Eventually.within(60, () -> loading.isDone() || acceptedSoFar(setup) >= threshold);
        terminated.addAndGet((int) fixture.number(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1", victim));
      }
      Run run = loading.get();
      assertThat(terminated).as("connections terminated").hasPositiveValue();
      assertThat(run.statuses.keySet()).as("statuses seen").isSubsetOf(202, 500, 503, -1);
      assertStoredAndFoldedExactlyOnce(setup, run, 40 * 25);
    }
    // The victim serves again.
    Reply after = second.api().post("/api/v1/assignments/" + setup.assignment().id() + "/answers",
        new JsonObject().put("questionId", setup.assignment().questionIds().get(0)).put("answer", "A"),
        setup.students().get(0).token());
    assertThat(after.status()).isEqualTo(202);
  }

  @Test
  @DisplayName("a node that stops mid-load loses no 202: its clients retry through the other node and each answer is stored once")
  void nodeStopsMidLoad() throws Exception {
    Setup setup = setup(30);
    TestNode third = NodeSettings.defaults().cluster(cluster).start();
    boolean closed = false;
    try (ExecutorService background = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<Run> loading = background.submit(() -> load(setup, List.of(first, third), 20, 50));
      Eventually.within(60, () -> loading.isDone() || acceptedSoFar(setup) >= 200);
      third.close();
      closed = true;
      Run run = loading.get();
      assertThat(run.statuses.keySet()).as("statuses seen").isSubsetOf(202, 500, 503, -1);
      assertStoredAndFoldedExactlyOnce(setup, run, 30 * 20);
    } finally {
      if (!closed) {
        third.close();
      }
    }
  }

  @Test
  @DisplayName("concurrent duplicates with one Idempotency-Key through both nodes store one event and all get its 202")
  void concurrentDuplicatesAcrossNodes() throws Exception {
    Setup setup = setup(1);
    Account student = setup.students().get(0);
    String path = "/api/v1/assignments/" + setup.assignment().id() + "/answers";
    JsonObject body = new JsonObject().put("questionId", setup.assignment().questionIds().get(2)).put("answer", 7);
    Map<String, String> key = Map.of("Idempotency-Key", "both-nodes-" + UUID.randomUUID());
    List<Future<Reply>> replies = new ArrayList<>();
    try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 30; i++) {
        TestNode node = i % 2 == 0 ? first : second;
        replies.add(clients.submit(() -> node.api().post(path, body, student.token(), key)));
      }
    }
    Set<JsonObject> bodies = new HashSet<>();
    int fresh = 0;
    for (Future<Reply> reply : replies) {
      assertThat(reply.get().status()).isEqualTo(202);
      bodies.add(reply.get().json());
      fresh += reply.get().header("Idempotent-Replayed") == null ? 1 : 0;
    }
    assertThat(bodies).hasSize(1);
    assertThat(fresh).as("replies that are not replays").isEqualTo(1);
    assertThat(fixture.number("SELECT count(*) FROM answer_events WHERE student_id = $1",
        UUID.fromString(student.id()))).isEqualTo(1);
  }

  private static long acceptedSoFar(Setup setup) {
    return fixture.number("SELECT count(*) FROM answer_events WHERE assignment_id = $1",
        UUID.fromString(setup.assignment().id()));
  }
}
