package io.learngrid.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.Api;
import io.learngrid.support.Api.Account;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.LearngridNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Courses, enrollments and assignments over real HTTP")
@LearngridNode
class CoursesAndAssignmentsTest {

  private final Api api;

  CoursesAndAssignmentsTest(Api api) {
    this.api = api;
  }

  private static JsonObject course(String title, String subject) {
    return new JsonObject().put("title", title).put("subject", subject).put("description", "about " + title);
  }

  private static JsonObject assignment(int questions) {
    JsonArray list = new JsonArray();
    for (int i = 0; i < questions; i++) {
      list.add(new JsonObject().put("prompt", "What is " + i + " + 1?").put("kind", "number").put("answer", i + 1)
          .put("points", 1));
    }
    return new JsonObject().put("title", "Sums").put("questions", list);
  }

  private String createCourse(Account teacher, String subject) {
    Reply created = api.post("/api/v1/courses", course("Course " + UUID.randomUUID(), subject), teacher.token());
    assertThat(created.status()).isEqualTo(201);
    return created.json().getString("id");
  }

  @Test
  @DisplayName("course lists page by cursor with no item twice or missing, and filter by subject")
  void coursePaging() {
    Account teacher = api.account("teacher");
    String subject = "paging-" + UUID.randomUUID();
    Set<String> created = new HashSet<>();
    for (int i = 0; i < 7; i++) {
      created.add(createCourse(teacher, subject));
    }
    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      Reply page = api.get("/api/v1/courses?subject=" + subject + "&limit=3" + (cursor == null ? "" : "&cursor=" + cursor),
          teacher.token());
      assertThat(page.status()).isEqualTo(200);
      page.json().getJsonArray("items").forEach(item -> seen.add(((JsonObject) item).getString("id")));
      cursor = page.json().getString("nextCursor");
      pages++;
      // A course created between pages must not disturb the walk.
      if (pages == 1) {
        created.add(createCourse(teacher, subject));
      }
    } while (cursor != null);
    assertThat(seen).doesNotHaveDuplicates();
    assertThat(new HashSet<>(seen)).isEqualTo(created);
    assertThat(pages).isEqualTo(3);
  }

  @Test
  @DisplayName("a tampered or foreign cursor and a bad limit are 400s naming the parameter")
  void badPagingParameters() {
    Account teacher = api.account("teacher");
    String subject = "tamper-" + UUID.randomUUID();
    createCourse(teacher, subject);
    createCourse(teacher, subject);
    String cursor = api.get("/api/v1/courses?subject=" + subject + "&limit=1", teacher.token()).json()
        .getString("nextCursor");
    assertThat(cursor).isNotNull();
    String tampered = (cursor.charAt(0) == 'A' ? 'B' : 'A') + cursor.substring(1);
    assertField(api.get("/api/v1/courses?subject=" + subject + "&cursor=" + tampered, teacher.token()), "cursor");
    assertField(api.get("/api/v1/courses?subject=other&cursor=" + cursor, teacher.token()), "cursor");
    assertField(api.get("/api/v1/courses?cursor=%25%25zz", teacher.token()), "cursor");
    assertField(api.get("/api/v1/courses?limit=0", teacher.token()), "limit");
    assertField(api.get("/api/v1/courses?limit=101", teacher.token()), "limit");
    assertField(api.get("/api/v1/courses?limit=ten", teacher.token()), "limit");
  }

  @Test
  @DisplayName("the owner and admins change a course; the change is visible at once despite the cache")
  void updateCourse() {
    Account owner = api.account("teacher");
    String id = createCourse(owner, "history");
    String path = "/api/v1/courses/" + id;
    assertThat(api.get(path, owner.token()).json().getString("subject")).isEqualTo("history");
    Reply patched = api.patch(path, new JsonObject().put("subject", "modern history"), owner.token());
    assertThat(patched.status()).isEqualTo(200);
    assertThat(patched.json().getString("subject")).isEqualTo("modern history");
    assertThat(api.get(path, owner.token()).json().getString("subject")).isEqualTo("modern history");
    assertThat(api.patch(path, new JsonObject().put("title", "By admin"), api.adminToken()).status()).isEqualTo(200);
    assertThat(api.patch(path, new JsonObject().put("title", "Hijack"), api.account("teacher").token()).status())
        .isEqualTo(403);
    assertThat(api.patch(path, new JsonObject(), owner.token()).status()).isEqualTo(400);
    assertThat(api.patch("/api/v1/courses/" + UUID.randomUUID(), new JsonObject().put("title", "x"), owner.token())
        .status()).isEqualTo(404);
  }

  @Test
  @DisplayName("enrolling answers 201 then 200 with the same enrollment; students enroll only themselves")
  void enrollments() {
    Account teacher = api.account("teacher");
    Account student = api.account("student");
    Account other = api.account("student");
    String courseId = createCourse(teacher, "biology");
    String path = "/api/v1/courses/" + courseId + "/enrollments";
    Reply first = api.post(path, new JsonObject().put("studentId", student.id()), teacher.token());
    assertThat(first.status()).isEqualTo(201);
    assertThat(first.json().getString("courseId")).isEqualTo(courseId);
    assertThat(first.json().getString("studentId")).isEqualTo(student.id());
    Reply again = api.post(path, new JsonObject().put("studentId", student.id()), student.token());
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json()).isEqualTo(first.json());
    assertThat(api.post(path, new JsonObject().put("studentId", student.id()), other.token()).status()).isEqualTo(403);
    assertThat(api.post(path, new JsonObject().put("studentId", other.id()), other.token()).status()).isEqualTo(201);
    assertThat(api.post(path, new JsonObject().put("studentId", teacher.id()), teacher.token()).status()).isEqualTo(404);
    assertThat(api.post(path, new JsonObject().put("studentId", UUID.randomUUID().toString()), teacher.token()).status())
        .isEqualTo(404);
    assertField(api.post(path, new JsonObject().put("studentId", "nope"), teacher.token()), "studentId");

    Reply students = api.get("/api/v1/courses/" + courseId + "/students", teacher.token());
    assertThat(students.status()).isEqualTo(200);
    assertThat(students.json().getJsonArray("items").stream().map(item -> ((JsonObject) item).getString("id")))
        .containsExactlyInAnyOrder(student.id(), other.id());
    assertThat(students.json().getJsonArray("items").getJsonObject(0).fieldNames())
        .containsExactlyInAnyOrder("id", "displayName", "email");
    assertThat(api.get("/api/v1/courses/" + courseId + "/students", student.token()).status()).isEqualTo(403);
  }

  @Test
  @DisplayName("the teacher sees answers; an enrolled student sees the assignment without them; others see nothing")
  void assignmentVisibility() {
    Account teacher = api.account("teacher");
    Account enrolled = api.account("student");
    Account outsider = api.account("student");
    String courseId = createCourse(teacher, "math");
    api.post("/api/v1/courses/" + courseId + "/enrollments", new JsonObject().put("studentId", enrolled.id()),
        teacher.token());
    JsonObject body = new JsonObject().put("title", "Mixed").put("dueAt", "2030-01-31T23:59:00Z").put("questions",
        new JsonArray()
            .add(new JsonObject().put("prompt", "Pick B").put("kind", "choice").put("choices", new JsonArray().add("A").add("B"))
                .put("answer", "B").put("points", 2))
            .add(new JsonObject().put("prompt", "Capital of France?").put("kind", "text").put("answer", "Paris")
                .put("points", 1))
            .add(new JsonObject().put("prompt", "Pi to two places").put("kind", "number").put("answer", 3.14)
                .put("points", 3)));
    Reply created = api.post("/api/v1/courses/" + courseId + "/assignments", body, teacher.token());
    assertThat(created.status()).isEqualTo(201);
    JsonObject assignment = created.json();
    assertThat(assignment.getString("dueAt")).isEqualTo("2030-01-31T23:59:00Z");
    JsonArray questions = assignment.getJsonArray("questions");
    assertThat(questions).hasSize(3);
    assertThat(questions.getJsonObject(0).getString("answer")).isEqualTo("B");
    assertThat(questions.getJsonObject(2).getDouble("answer")).isEqualTo(3.14);
    assertThat(questions.getJsonObject(0).getInteger("position")).isEqualTo(1);
    assertThat(questions.getJsonObject(1).containsKey("choices")).isFalse();

    String path = "/api/v1/assignments/" + assignment.getString("id");
    assertThat(api.get(path, teacher.token()).json()).isEqualTo(assignment);
    Reply asStudent = api.get(path, enrolled.token());
    assertThat(asStudent.status()).isEqualTo(200);
    asStudent.json().getJsonArray("questions").forEach(q -> assertThat(((JsonObject) q).containsKey("answer")).isFalse());
    assertThat(asStudent.body()).doesNotContain("Paris");
    assertThat(api.get(path, outsider.token()).status()).isEqualTo(404);
    assertThat(api.get(path, api.account("teacher").token()).status()).isEqualTo(404);

    Reply list = api.get("/api/v1/courses/" + courseId + "/assignments", enrolled.token());
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.json().getJsonArray("items").getJsonObject(0)).isEqualTo(new JsonObject()
        .put("id", assignment.getString("id")).put("title", "Mixed").put("dueAt", "2030-01-31T23:59:00Z")
        .putNull("lockAt").put("status", "published").put("questionCount", 3));
    assertThat(api.get("/api/v1/courses/" + courseId + "/assignments", outsider.token()).status()).isEqualTo(403);
  }

  @Test
  @DisplayName("assignment validation names each wrong field, and 201 questions are too many")
  void assignmentValidation() {
    Account teacher = api.account("teacher");
    String path = "/api/v1/courses/" + createCourse(teacher, "validation") + "/assignments";
    JsonObject bad = new JsonObject().put("title", "").put("dueAt", "tomorrow").put("questions", new JsonArray()
        .add(new JsonObject().put("prompt", "Pick").put("kind", "choice").put("choices", new JsonArray().add("A"))
            .put("answer", "Z").put("points", 1))
        .add(new JsonObject().put("prompt", "Num").put("kind", "number").put("answer", "three").put("points", -1))
        .add(new JsonObject().put("prompt", "Txt").put("kind", "essay").put("answer", "x").put("points", 1)));
    Reply reply = api.post(path, bad, teacher.token());
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.json().getJsonArray("errors").stream().map(e -> ((JsonObject) e).getString("field")))
        .contains("title", "dueAt", "questions[0].answer", "questions[1].answer", "questions[1].points",
            "questions[2].kind");
    assertField(api.post(path, assignment(201), teacher.token()), "questions");
    assertThat(api.post(path, assignment(200), teacher.token()).status()).isEqualTo(201);
  }

  @Test
  @DisplayName("Idempotency-Key: a retry replays the first response and creates nothing; another body is a 422")
  void idempotentCreates() {
    Account teacher = api.account("teacher");
    String key = "retry-" + UUID.randomUUID();
    JsonObject body = course("Idempotent", "idem-" + UUID.randomUUID());
    Reply first = api.post("/api/v1/courses", body, teacher.token(), key);
    Reply retry = api.post("/api/v1/courses", body, teacher.token(), key);
    assertThat(first.status()).isEqualTo(201);
    assertThat(retry.status()).isEqualTo(201);
    assertThat(retry.json()).isEqualTo(first.json());
    assertThat(api.get("/api/v1/courses?subject=" + body.getString("subject"), teacher.token()).json()
        .getJsonArray("items")).hasSize(1);
    Reply misuse = api.post("/api/v1/courses", body.copy().put("title", "Other"), teacher.token(), key);
    assertThat(misuse.status()).isEqualTo(422);
    // Keys belong to their user: another teacher's same key creates its own course.
    assertThat(api.post("/api/v1/courses", body, api.account("teacher").token(), key).json().getString("id"))
        .isNotEqualTo(first.json().getString("id"));
    assertField(api.post("/api/v1/courses", body, teacher.token(), "k".repeat(256)), "Idempotency-Key");
  }

  @Test
  @DisplayName("Idempotency-Key: concurrent duplicates create one assignment and all get its response")
  void concurrentDuplicates() {
    Account teacher = api.account("teacher");
    String courseId = createCourse(teacher, "concurrency");
    String key = "same-" + UUID.randomUUID();
    List<CompletableFuture<Reply>> replies = IntStream.range(0, 8)
        .mapToObj(i -> CompletableFuture.supplyAsync(() ->
            api.post("/api/v1/courses/" + courseId + "/assignments", assignment(3), teacher.token(), key)))
        .toList();
    Set<String> ids = new HashSet<>();
    for (CompletableFuture<Reply> reply : replies) {
      assertThat(reply.join().status()).isEqualTo(201);
      ids.add(reply.join().json().getString("id"));
    }
    assertThat(ids).hasSize(1);
    assertThat(api.get("/api/v1/courses/" + courseId + "/assignments", teacher.token()).json().getJsonArray("items"))
        .hasSize(1);
  }

  private static void assertField(Reply reply, String field) {
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(reply.json().getJsonArray("errors").stream().map(e -> ((JsonObject) e).getString("field")))
        .contains(field);
  }
}
