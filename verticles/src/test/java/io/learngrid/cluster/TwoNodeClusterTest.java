package io.learngrid.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.Api;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.CloseAfterAll;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Two nodes clustered over Hazelcast on loopback, one of them running only the http role")
class TwoNodeClusterTest {

  private static final String LOGIN_PASSWORD = "right-password";

  @CloseAfterAll
  private static TestNode full;
  @CloseAfterAll
  private static TestNode httpOnly;

  @BeforeAll
  static void startCluster() {
    String cluster = TestNode.newClusterName();
    full = NodeSettings.defaults().cluster(cluster).start();
    // An http-only node needs no database, cache or upstream address: it reaches them over the bus.
    httpOnly = NodeSettings.defaults().cluster(cluster).roles("http").withoutBackingServices().start();
  }

  @Test
  @DisplayName("the http-only node serves a course created through the other node, and logs in users")
  void httpOnlyNodeServesThroughTheBus() {
    Api first = full.api();
    Api edge = httpOnly.api();
    Reply created = first.post("/api/v1/courses",
        new JsonObject().put("title", "Cluster course").put("subject", "physics").put("description", "d"),
        first.teacherToken());
    assertThat(created.status()).isEqualTo(201);

    String student = edge.login(edge.registerStudent("student-password"), "student-password");
    Reply read = edge.get("/api/v1/courses/" + created.json().getString("id"), student);
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.json()).isEqualTo(created.json());

    Reply chat = edge.post("/api/v1/ai/chat", new JsonObject().put("messages",
        new JsonArray().add(new JsonObject().put("role", "user").put("content", "hello"))), student);
    assertThat(chat.status()).isEqualTo(200);
  }

  @Test
  @DisplayName("the cluster view lists both nodes with their roles, from either node")
  void clusterView() {
    String admin = httpOnly.api().adminToken();
    Reply fromEdge = httpOnly.api().get("/api/v1/admin/cluster", admin);
    assertThat(fromEdge.status()).isEqualTo(200);
    JsonArray nodes = fromEdge.json().getJsonArray("nodes");
    assertThat(nodes).hasSize(2);
    assertThat(fromEdge.json().getString("self")).isEqualTo(httpOnly.node().state().nodeId());
    Map<String, List<Object>> rolesById = Map.of(
        full.node().state().nodeId(), List.of("http", "persistence", "cache", "ai"),
        httpOnly.node().state().nodeId(), List.of("http"));
    for (int i = 0; i < nodes.size(); i++) {
      JsonObject entry = nodes.getJsonObject(i);
      assertThat(entry.getJsonArray("roles").getList()).isEqualTo(rolesById.get(entry.getString("nodeId")));
      assertThat(entry.getBoolean("ready")).isTrue();
      assertThat(entry.getString("httpAddress")).startsWith("127.0.0.1:");
    }
    Reply fromFull = full.api().get("/api/v1/admin/cluster", admin);
    assertThat(fromFull.json().getJsonArray("nodes")).isEqualTo(nodes);
  }

  @Test
  @DisplayName("readiness of the http-only node checks the other node's dependencies over the bus")
  void readinessAcrossTheCluster() {
    Reply ready = httpOnly.api().get("/health/ready", null);
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().getJsonObject("checks")).isEqualTo(new JsonObject()
        .put("postgres", "UP").put("redis", "UP").put("cluster", "UP").put("ai", "UP"));
  }

  @Test
  @DisplayName("failed logins on one node block the email from that address on the other, and back: the counters live in the cache role")
  void failuresOnOneNodeBlockOnTheOther() {
    String address = Api.newAddress();
    Api first = full.api().fromAddress(address);
    Api second = httpOnly.api().fromAddress(address);
    String email = first.registerStudent(LOGIN_PASSWORD);
    for (int i = 0; i < 3; i++) {
      assertThat(login(first, email, "wrong-password").status()).isEqualTo(401);
    }
    for (int i = 0; i < 2; i++) {
      assertThat(login(second, email, "wrong-password").status()).isEqualTo(401);
    }

    Reply onSecond = login(second, email, LOGIN_PASSWORD);
    assertThat(onSecond.status()).isEqualTo(429);
    assertThat(onSecond.header("Retry-After")).isNotBlank();
    assertThat(login(first, email, LOGIN_PASSWORD).status()).isEqualTo(429);
  }

  private static Reply login(Api api, String email, String password) {
    return api.post("/api/v1/auth/login", new JsonObject().put("email", email).put("password", password), null);
  }
}
