package io.learngrid.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.Api;
import io.learngrid.support.CloseAfterAll;
import io.learngrid.support.LearningFixture;
import io.learngrid.support.LearningFixture.Account;
import io.learngrid.support.LearningFixture.Assignment;
import io.learngrid.support.LearningFixture.QuestionSpec;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.Sse;
import io.learngrid.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Course event streams over two clustered nodes")
class CourseEventStreamClusterTest {

  @CloseAfterAll
  private static TestNode first;
  @CloseAfterAll
  private static TestNode second;
  @CloseAfterAll
  private static LearningFixture fixture;

  @BeforeAll
  static void start() {
    String cluster = TestNode.newClusterName();
    // A small queue, so that a client that stops reading is cut off after a few megabytes.
    first = NodeSettings.defaults().cluster(cluster).with("EVENTS_HEARTBEAT_MS", 1_000)
        .with("EVENTS_STREAM_QUEUE", 64).start();
    second = NodeSettings.defaults().cluster(cluster).with("EVENTS_HEARTBEAT_MS", 1_000).start();
    fixture = LearningFixture.open();
  }

  /** One SSE event as the stream wrote it. */
  record Event(long id, String type, JsonObject data) {}

  /** The next event of the stream, skipping comments (heartbeats) and the retry line. */
  static Event next(Sse sse) throws IOException {
    while (true) {
      String text = sse.next();
      if (text == null) {
        return null;
      }
      Long id = null;
      String type = null;
      JsonObject data = null;
      for (String line : text.split("\n")) {
        if (line.startsWith("id: ")) {
          id = Long.parseLong(line.substring(4));
        } else if (line.startsWith("event: ")) {
          type = line.substring(7);
        } else if (line.startsWith("data: ")) {
          data = new JsonObject(line.substring(6));
        }
      }
      if (id != null) {
        return new Event(id, type, data);
      }
    }
  }

  static List<Event> take(Sse sse, int count) throws IOException {
    List<Event> events = new ArrayList<>();
    while (events.size() < count) {
      Event event = next(sse);
      assertThat(event).as("event " + (events.size() + 1) + " of " + count + " (the stream ended)").isNotNull();
      events.add(event);
    }
    return events;
  }

  private record Course(Account teacher, String courseId, Assignment assignment) {}

  private static Course course() {
    Account teacher = fixture.teacher();
    String courseId = fixture.course(teacher.id());
    Assignment assignment = fixture.assignment(courseId, List.of(new QuestionSpec("number", 7, 1),
        new QuestionSpec("number", 8, 1)));
    return new Course(teacher, courseId, assignment);
  }

  private static Sse open(TestNode node, Course course, Map<String, String> headers) throws IOException {
    return open(node, "/api/v1/courses/" + course.courseId() + "/events", course.teacher().token(), headers);
  }

  private static Sse open(TestNode node, String path, String token, Map<String, String> headers) throws IOException {
    Sse sse = Sse.get(node.api().base(), path, token, headers);
    assertThat(sse.status()).as("the stream's status").isEqualTo(200);
    assertThat(sse.header("Content-Type")).startsWith("text/event-stream");
    return sse;
  }

  private static void enroll(Api api, Course course, Account student) {
    assertThat(api.post("/api/v1/courses/" + course.courseId() + "/enrollments",
        new JsonObject().put("studentId", student.id()), course.teacher().token()).status()).isEqualTo(201);
  }

  private static JsonObject answer(Api api, Course course, Account student, int question, Object answer) {
    Api.Reply reply = api.post("/api/v1/assignments/" + course.assignment().id() + "/answers", new JsonObject()
        .put("questionId", course.assignment().questionIds().get(question)).put("answer", answer), student.token());
    assertThat(reply.status()).as(reply.body()).isEqualTo(202);
    return reply.json();
  }

  @Test
  @DisplayName("the teacher's stream on node A gets the enrollment, the answer and the progress taken on node B")
  void streamOnOneNodeSeesChangesOnTheOther() throws Exception {
    Course course = course();
    Account student = fixture.student();
    try (Sse sse = open(first, course, Map.of())) {
      enroll(second.api(), course, student);
      JsonObject accepted = answer(second.api(), course, student, 0, 7);
      List<Event> events = take(sse, 3);
      assertThat(events).extracting(Event::type)
          .containsExactly("enrollment.created", "answer.submitted", "progress.updated");
      assertThat(events).extracting(Event::id).containsExactly(1L, 2L, 3L);
      assertThat(events.get(0).data()).isEqualTo(new JsonObject().put("studentId", student.id()));
      assertThat(events.get(1).data()).isEqualTo(new JsonObject()
          .put("studentId", student.id())
          .put("assignmentId", course.assignment().id())
          .put("questionId", course.assignment().questionIds().get(0))
          .put("correct", true)
          .put("late", false)
          .put("submittedAt", accepted.getString("submittedAt")));
      assertThat(events.get(2).data()).isEqualTo(new JsonObject().put("studentId", student.id())
          .put("assignmentId", course.assignment().id()));
      // And the unenrollment, through node B as well.
      assertThat(second.api().method("DELETE", "/api/v1/courses/" + course.courseId() + "/enrollments/" + student.id(),
          course.teacher().token()).status()).isEqualTo(204);
      Event left = next(sse);
      assertThat(left.type()).isEqualTo("enrollment.deleted");
      assertThat(left.id()).isEqualTo(4L);
    }
  }

  @Test
  @DisplayName("Last-Event-ID (header or query) after a disconnect replays exactly the missed events, then goes on live")
  void lastEventIdReplaysExactlyTheMissedEvents() throws Exception {
    Course course = course();
    Account student = fixture.student();
    enroll(first.api(), course, student);
    long seen;
    try (Sse sse = open(first, course, Map.of("Last-Event-ID", "0"))) {
      Event first = next(sse);
      assertThat(first.type()).isEqualTo("enrollment.created");
      seen = first.id();
    }
    // Missed while disconnected: three answers (one wrong), each followed in time by its fold.
    answer(second.api(), course, student, 0, 7);
    answer(second.api(), course, student, 1, 9);
    answer(second.api(), course, student, 0, 6);
    List<Event> stored = replayAll(course, seen);
    assertThat(stored).extracting(Event::type).filteredOn("answer.submitted"::equals).hasSize(3);

    try (Sse header = open(second, course, Map.of("Last-Event-ID", String.valueOf(seen)));
         Sse query = open(first, "/api/v1/courses/" + course.courseId() + "/events?lastEventId=" + seen,
             course.teacher().token(), Map.of())) {
      List<Event> viaHeader = take(header, stored.size());
      List<Event> viaQuery = take(query, stored.size());
      assertThat(viaHeader).isEqualTo(stored);
      assertThat(viaQuery).isEqualTo(stored);
      assertThat(viaHeader.get(0).id()).isEqualTo(seen + 1);
      // Then live, on both, with the next id.
      enroll(first.api(), course, fixture.student());
      long nextId = stored.get(stored.size() - 1).id() + 1;
      assertThat(next(header)).satisfies(e -> assertThat(e.id()).isEqualTo(nextId));
      assertThat(next(query)).satisfies(e -> assertThat(e.id()).isEqualTo(nextId));
    }
  }

  /** Every stored event after {@code after}, read back through a fresh stream once they stopped coming. */
  private static List<Event> replayAll(Course course, long after) throws Exception {
    // The three answers' progress.updated come with the aggregator's runs: wait until the outbox holds them.
    io.learngrid.support.Eventually.within(30, () -> fixture.number(
        "SELECT count(*) FROM course_events WHERE course_id = $1::uuid AND type = 'progress.updated'",
        course.courseId()) >= 1 && fixture.number("SELECT count(*) FROM pending_events") == 0);
    long last = fixture.number("SELECT last_seq FROM course_event_seqs WHERE course_id = $1::uuid", course.courseId());
    List<Event> events = new ArrayList<>();
    try (Sse sse = open(first, course, Map.of("Last-Event-ID", String.valueOf(after)))) {
      events.addAll(take(sse, (int) (last - after)));
    }
    return events;
  }

  @Test
  @DisplayName("a stream joined while answers pour in through both nodes shows every event once, in id order, without a gap")
  void replayThenLiveHasNoGapAndNoDuplicate() throws Exception {
    Course course = course();
    List<Account> students = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      Account student = fixture.student();
      enroll(first.api(), course, student);
      students.add(student);
    }
    int answersEach = 20;
    try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> done = new ArrayList<>();
      for (int s = 0; s < students.size(); s++) {
        Account student = students.get(s);
        Api api = (s % 2 == 0 ? first : second).api();
        done.add(clients.submit(() -> {
          for (int k = 0; k < answersEach; k++) {
            answer(api, course, student, k % 2, k);
          }
          return null;
        }));
      }
      // Joined mid-way, from the start of the course's events: the replay meets the live feed.
      try (Sse sse = open(second, course, Map.of("Last-Event-ID", "0"))) {
        for (Future<?> f : done) {
          f.get();
        }
        io.learngrid.support.Eventually.within(30, () -> fixture.number("SELECT count(*) FROM pending_events") == 0);
        long last = fixture.number("SELECT last_seq FROM course_event_seqs WHERE course_id = $1::uuid", course.courseId());
        List<Event> events = take(sse, (int) last);
        List<Long> ids = events.stream().map(Event::id).toList();
        List<Long> expected = new ArrayList<>();
        for (long id = 1; id <= last; id++) {
          expected.add(id);
        }
        assertThat(ids).isEqualTo(expected);
        assertThat(events).filteredOn(e -> e.type().equals("answer.submitted")).hasSize(students.size() * answersEach);
      }
    }
  }

  @Test
  @DisplayName("a client that stops reading is cut off once it is LEARNGRID_EVENTS_STREAM_QUEUE events behind, not buffered")
  void slowClientIsCutOff() throws Exception {
    Course course = course();
    double cutBefore = metric(first, "learngrid_sse_streams_cut_total{reason=\"slow\"");
    try (Sse sse = open(first, course, Map.of())) {
      enroll(second.api(), course, fixture.student());
      assertThat(next(sse).id()).isEqualTo(1L); // the feed is live
      // Then 300 events of 100 kB each on the course's address (as a persistence node publishes
      // them), while this client reads nothing: 30 MB, more than the sockets' buffers hold.
      String pad = "x".repeat(100_000);
      var bus = second.node().vertx().eventBus();
      for (long seq = 2; seq <= 301; seq++) {
        bus.publish(io.learngrid.bus.events.CourseEvent.address(course.courseId()), new io.learngrid.bus.events.CourseEvent(
            course.courseId(), seq, java.util.UUID.randomUUID().toString(), "answer.submitted",
            java.time.Instant.now().toString(), new JsonObject().put("pad", pad)).toJson());
      }
      io.learngrid.support.Eventually.within(30,
          () -> metric(first, "learngrid_sse_streams_cut_total{reason=\"slow\"") > cutBefore);
      // What the sockets held arrives, then the stream ends: far fewer than the 300 events.
      int read = 0;
      try {
        while (next(sse) != null) {
          read++;
        }
      } catch (IOException reset) {
        // the node reset the connection: that is the cut
      }
      assertThat(read).as("events the cut-off client still got").isLessThan(300);
    }
  }

  /** A metric's value on {@code node}'s /metrics (the first series whose name and labels start so); 0 when absent. */
  private static double metric(TestNode node, String prefix) {
    for (String line : node.api().get("/metrics", null).body().split("\n")) {
      if (line.startsWith(prefix)) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return 0;
  }

  @Test
  @DisplayName("another teacher gets 403, a student enrolled in the course 403, an unknown course 404")
  void onlyTheOwnerAndAdmins() throws Exception {
    Course course = course();
    Account student = fixture.student();
    enroll(first.api(), course, student);
    String path = "/api/v1/courses/" + course.courseId() + "/events";
    try (Sse other = Sse.get(first.api().base(), path, fixture.teacher().token(), Map.of());
         Sse enrolled = Sse.get(first.api().base(), path, student.token(), Map.of());
         Sse unknown = Sse.get(first.api().base(), "/api/v1/courses/" + java.util.UUID.randomUUID() + "/events",
             course.teacher().token(), Map.of());
         Sse admin = Sse.get(first.api().base(), path, fixture.admin().token(), Map.of());
         Sse bad = Sse.get(first.api().base(), path, course.teacher().token(), Map.of("Last-Event-ID", "soon"))) {
      assertThat(other.status()).isEqualTo(403);
      assertThat(enrolled.status()).isEqualTo(403);
      assertThat(unknown.status()).isEqualTo(404);
      assertThat(admin.status()).isEqualTo(200);
      assertThat(bad.status()).isEqualTo(400);
    }
  }
}
