package io.learngrid.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.Api;
import io.learngrid.support.Api.Account;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.Database;
import io.learngrid.support.Eventually;
import io.learngrid.support.LearngridNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Admin over accounts: search, disable, role change, GDPR erasure that keeps statistics")
@LearngridNode
class AdminUsersTest {

  private static final String PASSWORD = "account-password";

  private final Api api;

  AdminUsersTest(Api api) {
    this.api = api;
  }

  @Test
  @DisplayName("?q= finds by email or name prefix, filters by role and status, and pages by cursor")
  void searchAndPages() {
    String admin = api.adminToken();
    String tag = "srch" + UUID.randomUUID().toString().substring(0, 8);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Reply created = api.post("/api/v1/admin/users", new JsonObject().put("email", tag + "-" + i + "@test.learngrid")
          .put("password", PASSWORD).put("displayName", "User " + i).put("role", i == 0 ? "teacher" : "student"), admin);
      ids.add(created.json().getString("id"));
    }
    Reply named = api.post("/api/v1/admin/users", new JsonObject().put("email", "other-" + UUID.randomUUID() + "@test.learngrid")
        .put("password", PASSWORD).put("displayName", tag.toUpperCase() + " by name").put("role", "student"), admin);

    List<String> seen = new ArrayList<>();
    String cursor = null;
    do {
      Reply page = api.get("/api/v1/admin/users?q=" + tag + "&limit=2" + (cursor == null ? "" : "&cursor=" + cursor), admin);
      assertThat(page.status()).isEqualTo(200);
      page.json().getJsonArray("items").forEach(item -> seen.add(((JsonObject) item).getString("id")));
      assertThat(page.json().getJsonArray("items").size()).isLessThanOrEqualTo(2);
      cursor = page.json().getString("nextCursor");
    } while (cursor != null);
    assertThat(seen).containsExactlyInAnyOrder(ids.get(0), ids.get(1), ids.get(2), named.json().getString("id"));

    JsonArray teachers = api.get("/api/v1/admin/users?q=" + tag + "&role=teacher", admin).json().getJsonArray("items");
    assertThat(teachers).hasSize(1);
    assertThat(teachers.getJsonObject(0).getString("id")).isEqualTo(ids.get(0));
    assertThat(teachers.getJsonObject(0).fieldNames()).contains("id", "email", "displayName", "role", "status", "createdAt");
    api.patch("/api/v1/admin/users/" + ids.get(1), new JsonObject().put("status", "disabled"), admin);
    JsonArray disabled = api.get("/api/v1/admin/users?q=" + tag + "&status=disabled", admin).json().getJsonArray("items");
    assertThat(disabled).hasSize(1);
    assertThat(disabled.getJsonObject(0).getString("id")).isEqualTo(ids.get(1));
    assertThat(api.get("/api/v1/admin/users?q=" + tag + "&role=janitor", admin).status()).isEqualTo(400);
  }

  @Test
  @DisplayName("disabling refuses the user's token at once, refuses login like a wrong password; enabling lets it log in")
  void disableAndEnable() {
    Account student = api.account("student");
    JsonObject session = api.session(student.email(), PASSWORD);
    String admin = api.adminToken();
    Reply wrongPassword = login(student.email(), "wrong-password");

    Reply disabled = api.patch("/api/v1/admin/users/" + student.id(), new JsonObject().put("status", "disabled"), admin);

    assertThat(disabled.status()).isEqualTo(200);
    assertThat(disabled.json().getString("status")).isEqualTo("disabled");
    assertThat(api.get("/api/v1/me", student.token()).status()).isEqualTo(401);
    assertThat(api.get("/api/v1/me", session.getString("accessToken")).status()).isEqualTo(401);
    assertThat(api.post("/api/v1/auth/refresh", new JsonObject().put("refreshToken", session.getString("refreshToken")),
        null).status()).isEqualTo(401);
    Reply refused = login(student.email(), PASSWORD);
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.body()).isEqualTo(wrongPassword.body());

    assertThat(api.patch("/api/v1/admin/users/" + student.id(), new JsonObject().put("status", "active"), admin)
        .status()).isEqualTo(200);
    assertThat(api.get("/api/v1/me", api.login(student.email(), PASSWORD)).json().getString("status")).isEqualTo("active");
  }

  @Test
  @DisplayName("a refresh token that escaped the revocation (a race with disabling) is refused while the account is disabled")
  void refreshOfADisabledAccountIsRefused() {
    Account student = api.account("student");
    JsonObject session = api.session(student.email(), PASSWORD);
    // The state a refresh racing the disabling could leave: disabled, this token not revoked.
    Database.update("UPDATE users SET status = 'disabled' WHERE id = ?::uuid", student.id());

    assertThat(api.post("/api/v1/auth/refresh", new JsonObject().put("refreshToken", session.getString("refreshToken")),
        null).status()).isEqualTo(401);
    Database.update("UPDATE users SET status = 'active' WHERE id = ?::uuid", student.id());
    assertThat(api.post("/api/v1/auth/refresh", new JsonObject().put("refreshToken", session.getString("refreshToken")),
        null).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("a role change refuses the tokens that carry the old role; a new login carries the new one")
  void roleChange() {
    Account teacher = api.account("teacher");
    assertThat(api.post("/api/v1/courses", new JsonObject().put("title", "T").put("subject", "s"), teacher.token())
        .status()).isEqualTo(201);

    Reply demoted = api.patch("/api/v1/admin/users/" + teacher.id(), new JsonObject().put("role", "student")
        .put("displayName", "Demoted"), api.adminToken());

    assertThat(demoted.json().getString("role")).isEqualTo("student");
    assertThat(api.post("/api/v1/courses", new JsonObject().put("title", "T").put("subject", "s"), teacher.token())
        .status()).isEqualTo(401);
    String now = api.login(teacher.email(), PASSWORD);
    assertThat(api.post("/api/v1/courses", new JsonObject().put("title", "T").put("subject", "s"), now).status())
        .isEqualTo(403);
    assertThat(api.get("/api/v1/me", now).json().getString("displayName")).isEqualTo("Demoted");
  }

  @Test
  @DisplayName("erasure overwrites email, name and password; the answer events stay and the statistics do not move")
  void erasureKeepsStatistics() throws Exception {
    Account teacher = api.account("teacher");
    Account student = api.account("student");
    String course = api.post("/api/v1/courses", new JsonObject().put("title", "Erasure").put("subject", "gdpr"),
        teacher.token()).json().getString("id");
    api.post("/api/v1/courses/" + course + "/enrollments", new JsonObject().put("studentId", student.id()), teacher.token());
    JsonObject assignment = api.post("/api/v1/courses/" + course + "/assignments", new JsonObject().put("title", "Q")
        .put("questions", new JsonArray().add(new JsonObject().put("prompt", "2+2").put("kind", "number")
            .put("answer", 4).put("points", 3))), teacher.token()).json();
    String question = assignment.getJsonArray("questions").getJsonObject(0).getString("id");
    String stats = "/api/v1/assignments/" + assignment.getString("id") + "/stats";
    assertThat(api.post("/api/v1/assignments/" + assignment.getString("id") + "/answers",
        new JsonObject().put("questionId", question).put("answer", 4), student.token()).status()).isEqualTo(202);
    Eventually.within(10, () -> api.get(stats, teacher.token()).json().getInteger("students") == 1);
    JsonObject before = api.get(stats, teacher.token()).json();
    Object events = Database.value("SELECT count(*) FROM answer_events WHERE student_id = ?::uuid", student.id());

    Reply erased = api.method("DELETE", "/api/v1/admin/users/" + student.id(), api.adminToken());

    assertThat(erased.status()).isEqualTo(204);
    assertThat(events).isEqualTo(1L);
    assertThat(Database.value("SELECT count(*) FROM answer_events WHERE student_id = ?::uuid", student.id())).isEqualTo(events);
    JsonObject after = api.get(stats, teacher.token()).json();
    before.remove("asOf");
    after.remove("asOf");
    assertThat(after).isEqualTo(before);
    assertThat(Database.value("SELECT email || ' ' || display_name || ' ' || password_hash FROM users WHERE id = ?::uuid",
        student.id())).isEqualTo("erased-" + student.id() + "@erased.invalid Erased user ");
    assertThat(api.get("/api/v1/me", student.token()).status()).isEqualTo(401);
    assertThat(login(student.email(), PASSWORD).status()).isEqualTo(401);
    assertThat(api.get("/api/v1/admin/users?q=" + student.email(), api.adminToken()).json().getJsonArray("items")).isEmpty();
    assertThat(api.method("DELETE", "/api/v1/admin/users/" + student.id(), api.adminToken()).status()).isEqualTo(404);
    assertThat(api.patch("/api/v1/admin/users/" + student.id(), new JsonObject().put("displayName", "x"),
        api.adminToken()).status()).isEqualTo(404);
  }

  @Test
  @DisplayName("an admin cannot disable, demote or erase their own account (403), but may rename it")
  void adminCannotLockThemselvesOut() {
    Account admin = api.account("admin");
    String self = "/api/v1/admin/users/" + admin.id();
    assertThat(api.patch(self, new JsonObject().put("status", "disabled"), admin.token()).status()).isEqualTo(403);
    assertThat(api.patch(self, new JsonObject().put("role", "teacher"), admin.token()).status()).isEqualTo(403);
    assertThat(api.method("DELETE", self, admin.token()).status()).isEqualTo(403);
    assertThat(api.patch(self, new JsonObject().put("displayName", "Still admin"), admin.token()).status()).isEqualTo(200);
    assertThat(api.get("/api/v1/me", admin.token()).status()).isEqualTo(200);
  }

  private Reply login(String email, String password) {
    return api.post("/api/v1/auth/login", new JsonObject().put("email", email).put("password", password), null);
  }
}
