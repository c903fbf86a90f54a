package io.learngrid.dev;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.config.LearngridConfig;
import io.learngrid.config.SettingsReader;
import io.learngrid.support.Api;
import io.learngrid.support.TestNode;
import io.learngrid.support.LearngridNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The dev node's demo data: a course with an assignment that the demo student is in, made once")
@LearngridNode
class DemoDataTest {

  @Test
  @DisplayName("after loading (twice), the demo teacher's course has the practice assignment and the demo student")
  void demoCourseIsReadyForTheWebApp(TestNode node) throws Exception {
    LearngridConfig.Auth auth = LearngridConfig.from(new SettingsReader(Map.of(
        "LEARNGRID_ROLES", "http", "LEARNGRID_JWT_SECRET", TestNode.JWT_SECRET, "LEARNGRID_BCRYPT_COST", "4"))).auth();
    DemoData.load(node.node().vertx(), auth).await(1, TimeUnit.MINUTES);
    DemoData.load(node.node().vertx(), auth).await(1, TimeUnit.MINUTES);

    Api api = node.api().fromNewAddress();
    String teacher = api.login(DemoData.TEACHER_EMAIL, DemoData.PASSWORD);
    JsonArray courses = api.get("/api/v1/me/courses", teacher).json().getJsonArray("items");
    assertThat(courses).as("one demo course, however often the data is loaded").hasSize(1);
    String courseId = courses.getJsonObject(0).getString("id");
    JsonArray assignments = api.get("/api/v1/courses/" + courseId + "/assignments", teacher).json().getJsonArray("items");
    assertThat(assignments).hasSize(1);
    assertThat(assignments.getJsonObject(0).getInteger("questionCount")).isEqualTo(3);

    String student = api.login(DemoData.STUDENT_EMAIL, DemoData.PASSWORD);
    JsonObject mine = api.get("/api/v1/me/courses", student).json();
    assertThat(mine.getJsonArray("items").getJsonObject(0).getString("id")).isEqualTo(courseId);
  }
}
