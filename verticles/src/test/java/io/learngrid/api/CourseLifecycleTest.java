package io.learngrid.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.Api;
import io.learngrid.support.Api.Account;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.LearngridNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Course lifecycle (v1.1): status, enrollment policy and join code, deletion, unenrollment, my courses")
@LearngridNode
class CourseLifecycleTest {

  private final Api api;
  // Each test's own subject, so that a list filtered by it holds this test's courses only.
  private final String subject = "lifecycle-" + java.util.UUID.randomUUID();

  CourseLifecycleTest(Api api) {
    this.api = api;
  }

  private String course(Account teacher) {
    Reply created = api.post("/api/v1/courses", new JsonObject().put("title", "Lifecycle").put("subject", subject)
        .put("description", ""), teacher.token());
    assertThat(created.status()).isEqualTo(201);
    return created.json().getString("id");
  }

  private Reply enroll(String courseId, Account student, String token, String joinCode) {
    JsonObject body = new JsonObject().put("studentId", student.id());
    if (joinCode != null) {
      body.put("joinCode", joinCode);
    }
    return api.post("/api/v1/courses/" + courseId + "/enrollments", body, token);
  }

  private Reply patch(String courseId, JsonObject body, Account who) {
    return api.patch("/api/v1/courses/" + courseId, body, who.token());
  }

  private static void assertProblem(Reply reply, int status) {
    assertThat(reply.status()).as(reply.body()).isEqualTo(status);
    assertThat(reply.header("Content-Type")).isEqualTo("application/problem+json");
  }

  @Test
  @DisplayName("a new course is active with policy open and no join code")
  void defaults() {
    Account teacher = api.account("teacher");
    JsonObject course = api.get("/api/v1/courses/" + course(teacher), teacher.token()).json();
    assertThat(course.getString("status")).isEqualTo("active");
    assertThat(course.getString("enrollmentPolicy")).isEqualTo("open");
    assertThat(course.containsKey("joinCode")).isFalse();
  }

  @Test
  @DisplayName("policy code: a join code is generated, shown to the owner and admins only, and required from students")
  void codePolicy() {
    Account teacher = api.account("teacher");
    Account other = api.account("teacher");
    Account admin = api.account("admin");
    Account student = api.account("student");
    String id = course(teacher);
    Reply patched = patch(id, new JsonObject().put("enrollmentPolicy", "code"), teacher);
    assertThat(patched.status()).isEqualTo(200);
    String code = patched.json().getString("joinCode");
    assertThat(code).matches("[A-HJKMNP-Z2-9]{8}");
    assertThat(patched.json().getString("enrollmentPolicy")).isEqualTo("code");

    assertThat(api.get("/api/v1/courses/" + id, teacher.token()).json().getString("joinCode")).isEqualTo(code);
    assertThat(api.get("/api/v1/courses/" + id, admin.token()).json().getString("joinCode")).isEqualTo(code);
    for (Account blind : List.of(student, other)) {
      JsonObject seen = api.get("/api/v1/courses/" + id, blind.token()).json();
      assertThat(seen.getString("enrollmentPolicy")).isEqualTo("code");
      assertThat(seen.containsKey("joinCode")).as("joinCode shown to a " + blind).isFalse();
      JsonObject listed = listed(api.get("/api/v1/courses?subject=" + subject + "&limit=100", blind.token()), id);
      assertThat(listed.getString("enrollmentPolicy")).isEqualTo("code");
      assertThat(listed.containsKey("joinCode")).isFalse();
    }

    assertProblem(enroll(id, student, student.token(), null), 403);
    assertProblem(enroll(id, student, student.token(), "WRONG234"), 403);
    assertThat(enroll(id, student, student.token(), code.toLowerCase()).status()).isEqualTo(201);
    // The teacher needs no code.
    Account pupil = api.account("student");
    assertThat(enroll(id, pupil, teacher.token(), null).status()).isEqualTo(201);
  }

  @Test
  @DisplayName("rotating the join code replaces it: the old code is refused, the new one works")
  void rotation() {
    Account teacher = api.account("teacher");
    String id = course(teacher);
    String first = patch(id, new JsonObject().put("enrollmentPolicy", "code"), teacher).json().getString("joinCode");
    Reply rotated = patch(id, new JsonObject().put("rotateJoinCode", true), teacher);
    assertThat(rotated.status()).isEqualTo(200);
    String second = rotated.json().getString("joinCode");
    assertThat(second).isNotNull().isNotEqualTo(first);
    Account student = api.account("student");
    assertProblem(enroll(id, student, student.token(), first), 403);
    assertThat(enroll(id, student, student.token(), second).status()).isEqualTo(201);

    assertThat(patch(id, new JsonObject().put("enrollmentPolicy", "open"), teacher).json().containsKey("joinCode"))
        .as("a code is shown only while the policy is code").isFalse();
    assertThat(api.get("/api/v1/courses/" + id, teacher.token()).json().containsKey("joinCode")).isFalse();
    assertThat(patch(id, new JsonObject().put("enrollmentPolicy", "code"), teacher).json().getString("joinCode"))
        .isEqualTo(second);
  }

  @Test
  @DisplayName("policy teacher: a student enrolling themselves is 403, the owning teacher enrolls them")
  void teacherPolicy() {
    Account teacher = api.account("teacher");
    Account student = api.account("student");
    String id = course(teacher);
    assertThat(patch(id, new JsonObject().put("enrollmentPolicy", "teacher"), teacher).status()).isEqualTo(200);
    assertProblem(enroll(id, student, student.token(), null), 403);
    assertThat(enroll(id, student, teacher.token(), null).status()).isEqualTo(201);
  }

  @Test
  @DisplayName("only the owner or an admin changes status and policy; unknown values are 400")
  void whoChangesSettings() {
    Account teacher = api.account("teacher");
    String id = course(teacher);
    assertProblem(patch(id, new JsonObject().put("status", "archived"), api.account("teacher")), 403);
    assertProblem(patch(id, new JsonObject().put("status", "archived"), api.account("student")), 403);
    assertProblem(patch(id, new JsonObject().put("status", "closed"), teacher), 400);
    assertProblem(patch(id, new JsonObject().put("enrollmentPolicy", "anyone"), teacher), 400);
    assertThat(patch(id, new JsonObject().put("status", "archived"), api.account("admin")).json()
        .getString("status")).isEqualTo("archived");
  }

  @Test
  @DisplayName("an archived course refuses answers and enrollments with 409, reads still work, reactivating restores them")
  void archived() {
    Account teacher = api.account("teacher");
    Account student = api.account("student");
    String id = course(teacher);
    assertThat(enroll(id, student, student.token(), null).status()).isEqualTo(201);
    JsonObject assignment = api.post("/api/v1/courses/" + id + "/assignments", quiz(), teacher.token()).json();
    String answers = "/api/v1/assignments/" + assignment.getString("id") + "/answers";
    JsonObject answer = new JsonObject().put("questionId",
        assignment.getJsonArray("questions").getJsonObject(0).getString("id")).put("answer", 2);
    // Answered once before: the answer path has cached the enrollment, which archiving must not outlive.
    assertThat(api.post(answers, answer, student.token()).status()).isEqualTo(202);

    assertThat(patch(id, new JsonObject().put("status", "archived"), teacher).json().getString("status"))
        .isEqualTo("archived");
    assertProblem(api.post(answers, answer, student.token()), 409);
    assertProblem(enroll(id, api.account("student"), teacher.token(), null), 409);
    Account late = api.account("student");
    assertProblem(enroll(id, late, late.token(), null), 409);
    assertThat(api.get("/api/v1/courses/" + id, student.token()).json().getString("status")).isEqualTo("archived");
    assertThat(api.get("/api/v1/assignments/" + assignment.getString("id"), student.token()).status()).isEqualTo(200);
    assertThat(api.get("/api/v1/courses/" + id + "/assignments", student.token()).status()).isEqualTo(200);

    assertThat(patch(id, new JsonObject().put("status", "active"), teacher).status()).isEqualTo(200);
    assertThat(api.post(answers, answer, student.token()).status()).isEqualTo(202);
  }

  @Test
  @DisplayName("a deleted course, its assignments and enrollments are 404 to every read, and lists leave it out")
  void deletion() {
    Account teacher = api.account("teacher");
    Account student = api.account("student");
    String id = course(teacher);
    assertThat(enroll(id, student, student.token(), null).status()).isEqualTo(201);
    JsonObject assignment = api.post("/api/v1/courses/" + id + "/assignments", quiz(), teacher.token()).json();
    String assignmentPath = "/api/v1/assignments/" + assignment.getString("id");
    JsonObject answer = new JsonObject().put("questionId",
        assignment.getJsonArray("questions").getJsonObject(0).getString("id")).put("answer", 2);
    List<String> reads = List.of("/api/v1/courses/" + id, "/api/v1/courses/" + id + "/assignments", assignmentPath);
    for (String path : reads) {
      assertThat(api.get(path, student.token()).status()).isEqualTo(200);
    }
    assertThat(api.post(assignmentPath + "/answers", answer, student.token()).status()).isEqualTo(202);
    assertProblem(api.method("DELETE", "/api/v1/courses/" + id, api.account("teacher").token()), 403);

    assertThat(api.method("DELETE", "/api/v1/courses/" + id, teacher.token()).status()).isEqualTo(204);

    for (String path : reads) {
      assertProblem(api.get(path, student.token()), 404);
      assertProblem(api.get(path, teacher.token()), 404);
    }
    assertProblem(api.get("/api/v1/courses/" + id + "/students", teacher.token()), 404);
    assertProblem(api.get(assignmentPath + "/stats", teacher.token()), 404);
    assertProblem(api.get("/api/v1/courses/" + id + "/students/" + student.id() + "/progress", teacher.token()), 404);
    assertThat(api.get("/api/v1/me/progress", student.token()).json().getJsonArray("courses").stream()
        .map(c -> ((JsonObject) c).getString("courseId"))).doesNotContain(id);
    assertProblem(api.post(assignmentPath + "/answers", answer, student.token()), 404);
    assertProblem(patch(id, new JsonObject().put("title", "Back"), teacher), 404);
    assertProblem(enroll(id, api.account("student"), teacher.token(), null), 404);
    assertProblem(api.method("DELETE", "/api/v1/courses/" + id, teacher.token()), 404);
    assertThat(ids(api.get("/api/v1/me/courses?limit=100", teacher.token()))).doesNotContain(id);
    assertThat(ids(api.get("/api/v1/me/courses?limit=100", student.token()))).doesNotContain(id);
    assertThat(ids(api.get("/api/v1/courses?subject=" + subject + "&limit=100", student.token()))).doesNotContain(id);
  }

  @Test
  @DisplayName("unenrollment by the student, the owner or an admin: the student then gets 404 on the course's assignments")
  void unenrollment() {
    Account teacher = api.account("teacher");
    Account student = api.account("student");
    String id = course(teacher);
    assertThat(enroll(id, student, student.token(), null).status()).isEqualTo(201);
    JsonObject assignment = api.post("/api/v1/courses/" + id + "/assignments", quiz(), teacher.token()).json();
    String assignmentPath = "/api/v1/assignments/" + assignment.getString("id");
    JsonObject answer = new JsonObject().put("questionId",
        assignment.getJsonArray("questions").getJsonObject(0).getString("id")).put("answer", 2);
    assertThat(api.get(assignmentPath, student.token()).status()).isEqualTo(200);
    assertThat(api.post(assignmentPath + "/answers", answer, student.token()).status()).isEqualTo(202);
    String enrollment = "/api/v1/courses/" + id + "/enrollments/" + student.id();
    assertProblem(api.method("DELETE", enrollment, api.account("student").token()), 403);
    assertProblem(api.method("DELETE", enrollment, api.account("teacher").token()), 403);

    assertThat(api.method("DELETE", enrollment, student.token()).status()).isEqualTo(204);

    assertProblem(api.get(assignmentPath, student.token()), 404);
    assertProblem(api.post(assignmentPath + "/answers", answer, student.token()), 404);
    assertThat(ids(api.get("/api/v1/me/courses", student.token()))).doesNotContain(id);
    assertProblem(api.method("DELETE", enrollment, teacher.token()), 404);
    for (Account remover : List.of(teacher, api.account("admin"))) {
      assertThat(enroll(id, student, teacher.token(), null).status()).isEqualTo(201);
      assertThat(api.method("DELETE", enrollment, remover.token()).status()).isEqualTo(204);
      assertProblem(api.get(assignmentPath, student.token()), 404);
    }
  }

  @Test
  @DisplayName("GET /me/courses: a teacher's own courses, a student's enrolled ones, keyset-paged")
  void myCourses() {
    Account teacher = api.account("teacher");
    Account student = api.account("student");
    List<String> mine = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      mine.add(course(teacher));
    }
    String elsewhere = course(api.account("teacher"));
    for (String id : List.of(mine.get(1), mine.get(3), elsewhere)) {
      assertThat(enroll(id, student, student.token(), null).status()).isEqualTo(201);
    }
    List<String> paged = new ArrayList<>();
    String cursor = null;
    do {
      Reply page = api.get("/api/v1/me/courses?limit=2" + (cursor == null ? "" : "&cursor=" + cursor), teacher.token());
      assertThat(page.status()).isEqualTo(200);
      assertThat(page.json().getJsonArray("items").size()).isLessThanOrEqualTo(2);
      paged.addAll(ids(page));
      cursor = page.json().getString("nextCursor");
    } while (cursor != null);
    assertThat(paged).containsExactlyElementsOf(mine);
    assertThat(ids(api.get("/api/v1/me/courses", student.token())))
        .containsExactlyInAnyOrder(mine.get(1), mine.get(3), elsewhere);
  }

  private static JsonObject quiz() {
    return new JsonObject().put("title", "Quiz").put("questions", new JsonArray().add(new JsonObject()
        .put("prompt", "1+1").put("kind", "number").put("answer", 2).put("points", 1)));
  }

  private static List<String> ids(Reply page) {
    assertThat(page.status()).as(page.body()).isEqualTo(200);
    List<String> ids = new ArrayList<>();
    page.json().getJsonArray("items").forEach(item -> ids.add(((JsonObject) item).getString("id")));
    return ids;
  }

  private static JsonObject listed(Reply page, String id) {
    return page.json().getJsonArray("items").stream().map(JsonObject.class::cast)
        .filter(item -> id.equals(item.getString("id"))).findFirst().orElseGet(JsonObject::new);
  }
}
