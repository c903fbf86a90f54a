package io.learngrid.answers;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.Api;
import io.learngrid.support.CloseAfterAll;
import io.learngrid.support.Eventually;
import io.learngrid.support.LearngridNode;
import io.learngrid.support.LearningFixture;
import io.learngrid.support.LearningFixture.Account;
import io.learngrid.support.LearningFixture.Assignment;
import io.learngrid.support.LearningFixture.QuestionSpec;
import io.learngrid.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The class gradebook: students by id, keyset pages, figures from the aggregates")
@LearngridNode
class GradebookTest {

  @CloseAfterAll
  private static final LearningFixture fixture = LearningFixture.open();
  private final Api api;

  GradebookTest(TestNode node) {
    this.api = node.api();
  }

  private void answer(Account student, Assignment assignment, int question, Object answer) {
    assertThat(api.post("/api/v1/assignments/" + assignment.id() + "/answers",
        new JsonObject().put("questionId", assignment.questionIds().get(question)).put("answer", answer),
        student.token()).status()).isEqualTo(202);
  }

  private static JsonObject grade(String assignmentId, int answered, int correct, int points, int maxPoints, boolean late) {
    return new JsonObject().put("assignmentId", assignmentId).put("answered", answered).put("correct", correct)
        .put("points", points).put("maxPoints", maxPoints).put("late", late);
  }

  @Test
  @DisplayName("every enrolled student once, in id order over pages, each with every assignment; late after dueAt")
  void pagesEveryStudentWithEveryAssignment() throws Exception {
    Account teacher = fixture.teacher();
    String courseId = fixture.course(teacher.id());
    Assignment quiz = fixture.assignment(courseId, List.of(new QuestionSpec("number", 7, 2), new QuestionSpec("text", "cell", 3)));
    Assignment essay = fixture.assignment(courseId, List.of(new QuestionSpec("choice", "A", 5)));
    fixture.execute("UPDATE assignments SET due_at = now() - interval '1 hour' WHERE id = $1", UUID.fromString(essay.id()));
    List<Account> students = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Account student = fixture.student();
      fixture.enroll(courseId, student.id());
      students.add(student);
    }
    Account outsider = fixture.student();
    answer(students.get(0), quiz, 0, 7);
    answer(students.get(0), quiz, 1, "wrong");
    answer(students.get(0), quiz, 1, " CELL ");
    answer(students.get(1), essay, 0, "A");
    answer(students.get(2), quiz, 0, 8);
    Eventually.within(5, () -> fixture.number(
        "SELECT sum(attempts) FROM question_scores WHERE course_id = $1", UUID.fromString(courseId)) == 5);

    List<JsonObject> rows = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      Api.Reply page = api.get("/api/v1/courses/" + courseId + "/gradebook?limit=2"
          + (cursor == null ? "" : "&cursor=" + cursor), teacher.token());
      assertThat(page.status()).isEqualTo(200);
      assertThat(page.json().getString("asOf")).isNotBlank();
      page.json().getJsonArray("items").forEach(row -> rows.add((JsonObject) row));
      cursor = page.json().getString("nextCursor");
      pages++;
    } while (cursor != null);

    assertThat(pages).isEqualTo(3);
    // PostgreSQL orders uuids by their bytes, as their hex strings sort (java.util.UUID compares signed longs).
    List<Account> byId = students.stream().sorted(Comparator.comparing(Account::id)).toList();
    assertThat(rows).extracting(row -> row.getString("studentId")).containsExactlyElementsOf(byId.stream().map(Account::id).toList());
    assertThat(rows).extracting(row -> row.getString("studentId")).doesNotContain(outsider.id());
    for (JsonObject row : rows) {
      String id = row.getString("studentId");
      JsonArray expected = new JsonArray();
      if (id.equals(students.get(0).id())) {
        expected.add(grade(quiz.id(), 2, 2, 5, 5, false)).add(grade(essay.id(), 0, 0, 0, 5, false));
      } else if (id.equals(students.get(1).id())) {
        expected.add(grade(quiz.id(), 0, 0, 0, 5, false)).add(grade(essay.id(), 1, 1, 5, 5, true));
      } else if (id.equals(students.get(2).id())) {
        expected.add(grade(quiz.id(), 1, 0, 0, 5, false)).add(grade(essay.id(), 0, 0, 0, 5, false));
      } else {
        expected.add(grade(quiz.id(), 0, 0, 0, 5, false)).add(grade(essay.id(), 0, 0, 0, 5, false));
      }
      assertThat(row.getJsonArray("assignments")).as("grades of %s", id).isEqualTo(expected);
      assertThat(row.getString("displayName")).isNotNull();
    }
  }

  @Test
  @DisplayName("a course without assignments lists its students with none; bad limits and cursors are 400")
  void emptyCourseAndBadPaging() {
    Account teacher = fixture.teacher();
    String courseId = fixture.course(teacher.id());
    Account student = fixture.student();
    fixture.enroll(courseId, student.id());

    JsonObject page = api.get("/api/v1/courses/" + courseId + "/gradebook", teacher.token()).json();
    assertThat(page.getJsonArray("items")).isEqualTo(new JsonArray().add(new JsonObject()
        .put("studentId", student.id()).put("displayName", page.getJsonArray("items").getJsonObject(0).getString("displayName"))
        .put("assignments", new JsonArray())));
    assertThat(page.getValue("nextCursor")).isNull();
    assertThat(api.get("/api/v1/courses/" + courseId + "/gradebook?limit=0", teacher.token()).status()).isEqualTo(400);
    assertThat(api.get("/api/v1/courses/" + courseId + "/gradebook?limit=101", teacher.token()).status()).isEqualTo(400);
    assertThat(api.get("/api/v1/courses/" + courseId + "/gradebook?cursor=not-a-cursor", teacher.token()).status())
        .isEqualTo(400);
  }
}
