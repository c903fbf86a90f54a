package io.learngrid.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.Api;
import io.learngrid.support.Api.Account;
import io.learngrid.support.Browser;
import io.learngrid.support.LearngridNode;
import io.learngrid.support.NodeSettings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The web app in a real headless Chromium: a teacher and a student, each in a browser of their own,
 * through the pages of docs/web-app.md. Waits are on the DOM (WebDriverWait), never sleeps. Every
 * page visited leaves a screenshot in target/screenshots/.
 */
@DisplayName("The web app at /app/ in a real browser: teacher and student, live dashboard, gradebook")
@LearngridNode
class WebAppBrowserTest {

  /** A node of its own: the browsers reach it from 127.0.0.1, so their logins spend no other test's budget. */
  static NodeSettings settings = NodeSettings.defaults();

  private static final String PASSWORD = "account-password";

  private final Api api;
  private Browser teacher;
  private Browser student;

  WebAppBrowserTest(Api api) {
    this.api = api;
  }

  @BeforeEach
  void openBrowsers() {
    teacher = Browser.open(api.base(), 1280, 1200);
  }

  @AfterEach
  void closeBrowsers() {
    if (teacher != null) {
      teacher.close();
    }
    if (student != null) {
      student.close();
    }
  }

  private record Course(String id, String assignmentId, JsonArray questions) {}

  /** A course under policy `code` with one assignment of three questions (choice, text, number). */
  private Course course(Account owner, String title) {
    JsonObject course = api.post("/api/v1/courses", new JsonObject().put("title", title).put("subject", "math")
        .put("description", "Fractions and decimals"), owner.token()).json();
    api.patch("/api/v1/courses/" + course.getString("id"), new JsonObject().put("enrollmentPolicy", "code"), owner.token());
    JsonObject assignment = api.post("/api/v1/courses/" + course.getString("id") + "/assignments", new JsonObject()
        .put("title", "Fractions quiz")
        .put("questions", new JsonArray()
            .add(new JsonObject().put("prompt", "Which is the largest?").put("kind", "choice")
                .put("choices", new JsonArray().add("1/2").add("2/3").add("3/5")).put("answer", "2/3").put("points", 2))
            .add(new JsonObject().put("prompt", "Write one half in words").put("kind", "text")
                .put("answer", "one half").put("points", 1))
            .add(new JsonObject().put("prompt", "3/4 as a decimal?").put("kind", "number")
                .put("answer", 0.75).put("points", 3))), owner.token()).json();
    return new Course(course.getString("id"), assignment.getString("id"), assignment.getJsonArray("questions"));
  }

  /** A student account with a name of its own (the admin creates it), logged in. */
  private Account student(String name) {
    String email = name.toLowerCase(java.util.Locale.ROOT).replace(' ', '.') + "-" + java.util.UUID.randomUUID()
        + "@test.learngrid";
    JsonObject created = api.post("/api/v1/admin/users", new JsonObject().put("email", email).put("password", PASSWORD)
        .put("displayName", name).put("role", "student"), api.adminToken()).json();
    return new Account(created.getString("id"), email, api.login(email, PASSWORD));
  }

  @Test
  @DisplayName("a student joins by code and answers; the teacher's live dashboard shows it within 2 s, then the gradebook the score")
  void liveClassroom() throws Exception {
    Account owner = api.account("teacher");
    Course course = course(owner, "Year 7 maths");
    String studentEmail = "ana-" + java.util.UUID.randomUUID() + "@test.learngrid";
    assertThat(api.post("/api/v1/auth/register", new JsonObject().put("email", studentEmail).put("password", PASSWORD)
        .put("displayName", "Ana Souza"), null).status()).isEqualTo(201);

    // The teacher signs in, finds the course, reads its join code and opens the live dashboard.
    teacher.driver().get(api.base() + "/");
    teacher.waitForHeading("Sign in");
    teacher.screenshot("signin");
    assertThat(teacher.unlabelledControls()).as("controls without a label on " + "signin").isEmpty();
    teacher.signIn(owner.email(), PASSWORD, "My courses");
    assertThat(teacher.sessionStorage()).as("the refresh token lives in sessionStorage").containsKey("learngrid.refreshToken");
    assertThat((Long) teacher.script("return localStorage.length")).as("nothing in localStorage").isZero();
    teacher.screenshot("teacher-courses");
    teacher.find("#course-list a[href='#/courses/" + course.id() + "']").click();
    teacher.waitForHeading("Year 7 maths");
    String code = teacher.waitFor("#join-code", 5).getText();
    String joinLink = teacher.find("#join-link").getAttribute("href");
    assertThat(code).hasSize(8);
    teacher.screenshot("teacher-course");
    assertThat(teacher.unlabelledControls()).as("controls without a label on " + "teacher-course").isEmpty();
    teacher.find("#open-dashboard").click();
    teacher.waitForHeading("Live dashboard: Year 7 maths");
    teacher.waiting(Duration.ofSeconds(10)).until(ExpectedConditions.attributeToBe(By.id("live-status"), "data-state", "live"));

    // The student, in a browser of their own, signs in, follows the join link and types the code.
    student = Browser.open(api.base(), 1280, 1000);
    student.signIn(studentEmail, PASSWORD, "My courses");
    student.screenshot("student-courses");
    student.driver().get(joinLink);
    student.waitForHeading("Join Year 7 maths");
    student.type("input[name=joinCode]", code.toLowerCase());
    student.screenshot("student-join");
    assertThat(student.unlabelledControls()).as("controls without a label on " + "student-join").isEmpty();
    student.find("form button[type=submit]").click();
    student.waitForHeading("Year 7 maths");
    student.screenshot("student-course");
    student.find("#assignment-list a").click();
    student.waitForHeading("Fractions quiz");

    // One answer; the clock for the dashboard starts at the student's click.
    String choiceQuestion = course.questions().getJsonObject(0).getString("id");
    student.find("form[data-question='" + choiceQuestion + "'] label:nth-of-type(1)");
    student.driver().findElement(By.xpath("//form[@data-question='" + choiceQuestion + "']//label[text()='2/3']")).click();
    long clicked = System.nanoTime();
    student.find("form[data-question='" + choiceQuestion + "'] button[type=submit]").click();
    teacher.waiting(Duration.ofSeconds(2)).until(ExpectedConditions.textMatches(By.cssSelector("#feed li"),
        java.util.regex.Pattern.compile("Ana Souza answered Q1 of Fractions quiz: correct")));
    long shownMillis = (System.nanoTime() - clicked) / 1_000_000;
    System.out.println("from the student's click to the teacher's feed: " + shownMillis + " ms");
    assertThat(shownMillis).as("from the student's click to the teacher's feed").isLessThan(2_000);
    assertThat(student.find("form[data-question='" + choiceQuestion + "'] .feedback").getText()).contains("Correct: 2 of 2 points");

    // The rest of the figures follow the aggregation: the heat map cell and the question's rate.
    teacher.waiting(Duration.ofSeconds(10)).until(ExpectedConditions.textToBe(
        By.cssSelector("#heatmap td[data-assignment='" + course.assignmentId() + "']"), "2/6"));
    teacher.waiting(Duration.ofSeconds(10)).until(ExpectedConditions.textMatches(
        By.cssSelector("#question-rates li[data-question='" + choiceQuestion + "'] .bar-value"),
        java.util.regex.Pattern.compile("^100% correct")));
    student.waiting(Duration.ofSeconds(10)).until(ExpectedConditions.textMatches(By.id("score"),
        java.util.regex.Pattern.compile("2 / 6 points")));
    student.screenshot("student-take");
    assertThat(student.unlabelledControls()).as("controls without a label on " + "student-take").isEmpty();

    // Two more students join the class and answer; their rows appear and fill in without a reload.
    JsonArray questions = course.questions();
    String[] names = {"Maya Patel", "Leo Fischer"};
    String[][] answerSets = {{"2/3", "one half", "0.75"}, {"3/5", "One Half ", "0.7"}};
    for (int s = 0; s < names.length; s++) {
      String[] answers = answerSets[s];
      Account other = student(names[s]);
      api.post("/api/v1/courses/" + course.id() + "/enrollments", new JsonObject().put("studentId", other.id()),
          owner.token());
      for (int i = 0; i < 3; i++) {
        Object answer = i == 2 ? (Object) Double.valueOf(answers[i]) : answers[i];
        assertThat(api.post("/api/v1/assignments/" + course.assignmentId() + "/answers", new JsonObject()
            .put("questionId", questions.getJsonObject(i).getString("id")).put("answer", answer), other.token()).status())
            .isEqualTo(202);
      }
    }
    teacher.waiting(Duration.ofSeconds(10)).until(d -> teacher.findAll("#feed li").size() == 7);
    teacher.waiting(Duration.ofSeconds(10)).until(d -> teacher.findAll("#heatmap tbody tr").stream()
        .map(row -> row.getText()).toList().containsAll(java.util.List.of("Maya Patel 6/6", "Leo Fischer 1/6",
            "Ana Souza 2/6")));
    assertThat(teacher.findAll("#feed .name").stream().map(n -> n.getText()).distinct())
        .as("every answer in the feed names its student, those who joined after the page opened too")
        .containsExactlyInAnyOrder("Ana Souza", "Maya Patel", "Leo Fischer");
    assertThat(teacher.find("#counters").getText()).contains("7 answers, 5 correct");
    teacher.screenshot("dashboard");
    assertThat(teacher.unlabelledControls()).as("controls without a label on " + "dashboard").isEmpty();

    // The gradebook shows the score.
    teacher.go("/courses/" + course.id() + "/gradebook");
    teacher.waitForHeading("Gradebook: Year 7 maths");
    String studentId = api.get("/api/v1/me", api.login(studentEmail, PASSWORD)).json().getString("id");
    assertThat(teacher.find("#gradebook tr[data-student='" + studentId + "'] td[data-assignment='"
        + course.assignmentId() + "']").getText()).isEqualTo("2/6");
    assertThat(teacher.findAll("#gradebook tbody tr")).hasSize(3);
    teacher.screenshot("gradebook");

    // The export: a job, polled by the page until its file is ready, then downloaded with the token.
    teacher.find("#export").click();
    teacher.waitFor("#download", 30).click();
    java.nio.file.Path[] saved = new java.nio.file.Path[1];
    io.learngrid.support.Eventually.within(10, () -> {
      try (var files = java.nio.file.Files.list(teacher.downloads())) {
        saved[0] = files.filter(f -> f.toString().endsWith(".csv")).findFirst().orElse(null);
        return saved[0] != null;
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    assertThat(java.nio.file.Files.readString(saved[0])).startsWith("studentId,displayName,Fractions quiz (6),total")
        .contains("Ana Souza", "Maya Patel", "Leo Fischer");
    teacher.screenshot("gradebook-export");
    assertThat(teacher.unlabelledControls()).as("controls without a label on " + "gradebook-export").isEmpty();

    assertThat(teacher.consoleErrors()).as("the teacher's console").isEmpty();
    assertThat(student.consoleErrors()).as("the student's console").isEmpty();
  }

  @Test
  @DisplayName("a teacher writes an assignment as a draft and publishes it; a student on a phone-sized screen takes it")
  void editorAndPhone() throws Exception {
    Account owner = api.account("teacher");
    String courseId = api.post("/api/v1/courses", new JsonObject().put("title", "Science 8").put("subject", "science")
        .put("description", "Forces"), owner.token()).json().getString("id");
    Account pupil = api.account("student");
    api.post("/api/v1/courses/" + courseId + "/enrollments", new JsonObject().put("studentId", pupil.id()), owner.token());

    teacher.signIn(owner.email(), PASSWORD, "My courses");
    teacher.go("/courses/" + courseId + "/assignments/new");
    teacher.waitForHeading("New assignment");
    teacher.type("input[name=title]", "Forces check");
    // A datetime-local input takes typed keys per locale; its value is set as a picker would.
    teacher.script("arguments[0].value = '2030-06-01T09:00'; arguments[0].dispatchEvent(new Event('input'));",
        teacher.find("input[name=dueAt]"));
    new org.openqa.selenium.support.ui.Select(teacher.find("select[name=status]")).selectByValue("draft");
    teacher.type("#questions fieldset:nth-of-type(1) textarea[name=prompt]", "Unit of force?");
    teacher.type("#questions fieldset:nth-of-type(1) textarea[name=choices]", "newton\njoule\nwatt");
    teacher.type("#questions fieldset:nth-of-type(1) input[name=answer]", "newton");
    teacher.type("#questions fieldset:nth-of-type(1) input[name=points]", "2");
    teacher.driver().findElement(By.xpath("//button[text()='Add a question']")).click();
    teacher.type("#questions fieldset:nth-of-type(2) textarea[name=prompt]", "g in m/s² (one decimal)?");
    new org.openqa.selenium.support.ui.Select(teacher.find("#questions fieldset:nth-of-type(2) select[name=kind]"))
        .selectByValue("number");
    assertThat(teacher.find("#questions fieldset:nth-of-type(2) textarea[name=choices]").isDisplayed())
        .as("a number question has no choices to fill in").isFalse();
    teacher.type("#questions fieldset:nth-of-type(2) input[name=answer]", "9.8");
    teacher.screenshot("editor");
    assertThat(teacher.unlabelledControls()).as("controls without a label on " + "editor").isEmpty();
    teacher.find("form button[type=submit]").click();
    teacher.waitForHeading("Science 8");
    assertThat(teacher.find("#assignments tbody tr").getText()).contains("Forces check", "2", "draft");

    // A draft is invisible to the student: the API answers 404 and the course page lists nothing.
    String assignmentId = api.get("/api/v1/courses/" + courseId + "/assignments", owner.token()).json()
        .getJsonArray("items").getJsonObject(0).getString("id");
    assertThat(api.get("/api/v1/assignments/" + assignmentId, pupil.token()).status()).isEqualTo(404);

    teacher.find("#assignments a[href='#/assignments/" + assignmentId + "/edit']").click();
    teacher.waitForHeading("Edit: Forces check");
    teacher.screenshot("editor-edit");
    new org.openqa.selenium.support.ui.Select(teacher.find("select[name=status]")).selectByValue("published");
    teacher.type("#questions fieldset:nth-of-type(1) input[name=points]", "3");
    teacher.find("form button[type=submit]").click();
    teacher.waitFor("form [role=status] .ok", 10);
    JsonObject stored = api.get("/api/v1/assignments/" + assignmentId, owner.token()).json();
    assertThat(stored.getString("status")).isEqualTo("published");
    assertThat(stored.getString("dueAt")).startsWith("2030-06-01");
    assertThat(stored.getJsonArray("questions").getJsonObject(0).getInteger("points")).isEqualTo(3);
    assertThat(stored.getJsonArray("questions").getJsonObject(1).getDouble("answer")).isEqualTo(9.8);

    // The student, on a phone-sized screen (390 × 844 CSS pixels), answers both questions.
    student = Browser.open(api.base(), 390, 844);
    student.signIn(pupil.email(), PASSWORD, "My courses");
    student.go("/assignments/" + assignmentId);
    student.waitForHeading("Forces check");
    student.driver().findElement(By.xpath("//label[text()='newton']")).click();
    student.find("form.question:nth-of-type(1) button[type=submit]").click();
    student.waitFor("form.question:nth-of-type(1) .feedback .ok", 5);
    student.type("form.question:nth-of-type(2) input[name=answer]", "9.7");
    student.find("form.question:nth-of-type(2) button[type=submit]").click();
    assertThat(student.waitFor("form.question:nth-of-type(2) .feedback .wrong", 5).getText()).contains("Not correct");
    student.waiting(Duration.ofSeconds(10)).until(ExpectedConditions.textMatches(By.id("score"),
        java.util.regex.Pattern.compile("3 / 4 points")));
    assertThat((Boolean) student.script("return document.documentElement.scrollWidth <= window.innerWidth"))
        .as("no sideways scrolling on a phone").isTrue();
    student.screenshot("phone-take");
    assertThat(student.unlabelledControls()).as("controls without a label on " + "phone-take").isEmpty();

    assertThat(teacher.consoleErrors()).as("the teacher's console").isEmpty();
    assertThat(student.consoleErrors()).as("the student's console").isEmpty();
  }

  @Test
  @DisplayName("a dashboard whose connection is cut reconnects with Last-Event-ID: the answers of the gap appear, each once")
  void dashboardResumesAfterACut() throws Exception {
    Account owner = api.account("teacher");
    Course course = course(owner, "History 9");
    Account pupil = student("Noor Haddad");
    api.post("/api/v1/courses/" + course.id() + "/enrollments", new JsonObject().put("studentId", pupil.id()), owner.token());
    String textQuestion = course.questions().getJsonObject(1).getString("id");
    java.util.function.IntSupplier answer = () -> api.post("/api/v1/assignments/" + course.assignmentId() + "/answers",
        new JsonObject().put("questionId", textQuestion).put("answer", "one half"), pupil.token()).status();

    // The teacher's browser reaches the node through a TCP proxy that the test can cut, as a
    // school's flaky Wi-Fi would.
    java.net.URI node = java.net.URI.create(api.base());
    java.net.InetSocketAddress target = new java.net.InetSocketAddress(node.getHost(), node.getPort());
    try (io.learngrid.support.ClusterPortProxy wifi = new io.learngrid.support.ClusterPortProxy("wifi",
        new java.net.InetSocketAddress("127.0.0.1", io.learngrid.support.TestServices.freePort()), target)) {
      teacher.close();
      teacher = Browser.open("http://127.0.0.1:" + wifi.address().getPort(), 1280, 1000);
      teacher.signIn(owner.email(), PASSWORD, "My courses");
      teacher.go("/courses/" + course.id() + "/live");
      teacher.waitForHeading("Live dashboard: History 9");
      teacher.waiting(Duration.ofSeconds(10)).until(ExpectedConditions.attributeToBe(By.id("live-status"), "data-state", "live"));
      assertThat(answer.getAsInt()).isEqualTo(202);
      teacher.waiting(Duration.ofSeconds(5)).until(d -> teacher.findAll("#feed li").size() == 1);

      // Cut: every connection through the proxy closes, and new ones are refused until healed.
      wifi.isolate(java.util.Set.of(target.getAddress()));
      teacher.waiting(Duration.ofSeconds(10)).until(ExpectedConditions.attributeToBe(By.id("live-status"), "data-state",
          "reconnecting"));
      for (int i = 0; i < 3; i++) {
        assertThat(answer.getAsInt()).isEqualTo(202);
      }
      wifi.heal();

      // Back: the page resumes after the last event it had, so the three answers of the gap arrive once.
      teacher.waiting(Duration.ofSeconds(20)).until(ExpectedConditions.attributeToBe(By.id("live-status"), "data-state", "live"));
      teacher.waiting(Duration.ofSeconds(10)).until(d -> teacher.findAll("#feed li").size() >= 4);
      assertThat(answer.getAsInt()).isEqualTo(202);
      teacher.waiting(Duration.ofSeconds(5)).until(d -> teacher.findAll("#feed li").size() >= 5);
      assertThat(teacher.findAll("#feed li")).as("each answer once: none lost in the gap, none repeated").hasSize(5);
      assertThat(teacher.find("#counters").getText()).contains("5 answers, 5 correct");
      teacher.screenshot("dashboard-resumed");
      // Only the requests that failed while the connection was cut, nothing from the page's code.
      assertThat(teacher.consoleErrors()).allSatisfy(error -> assertThat(error).contains("net::ERR_"));
    }
  }
}
