package io.learngrid.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.Api;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.CloseAfterAll;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Rate limits of two clustered nodes")
class ClusterRateLimitTest {

  private static final int PER_USER = 10;
  private static final int PER_IP = 30;
  private static final int PER_CLASS = 3;
  private static final int CHATS = 2;

  @CloseAfterAll
  private static TestNode a;
  @CloseAfterAll
  private static TestNode b;

  @BeforeAll
  static void startCluster() {
    String cluster = TestNode.newClusterName();
    a = limited(cluster).start();
    b = limited(cluster).start();
  }

  private static NodeSettings limited(String cluster) {
    return NodeSettings.defaults().cluster(cluster).rateLimitPerUserPerMinute(PER_USER).rateLimitPerIpPerMinute(PER_IP)
        .rateLimitClassActionPerMinute(PER_CLASS).rateLimitAiChatPerMinute(CHATS)
        // Failed logins are the cheapest anonymous requests here; their own limit must not interfere.
        .loginMaxFailuresPerIp(1000);
  }

  @Test
  @DisplayName("a user's budget is one across both nodes, with RateLimit-* headers and a 429 problem with Retry-After")
  void oneBudgetAcrossNodes() {
    Api onA = a.api().fromNewAddress();
    Api onB = b.api().fromNewAddress();
    String token = token(onA);
    // GCRA refills one request every 60 s / PER_USER: the bound allows for the time the burst took.
    long started = System.nanoTime();
    int allowed = 0;
    Reply reply = onA.get("/api/v1/me", token);
    assertThat(reply.header("RateLimit-Remaining")).isEqualTo(Integer.toString(PER_USER - 1));
    while (reply.status() == 200 && allowed < 10 * PER_USER) {
      allowed++;
      assertThat(reply.header("RateLimit-Limit")).isEqualTo(Integer.toString(PER_USER));
      assertThat(Long.parseLong(reply.header("RateLimit-Remaining"))).isBetween(0L, PER_USER - 1L);
      assertThat(Long.parseLong(reply.header("RateLimit-Reset"))).isBetween(1L, 60L);
      reply = (allowed % 2 == 0 ? onA : onB).get("/api/v1/me", token);
    }
    double refills = (System.nanoTime() - started) / 1e9 / (60.0 / PER_USER);
    assertThat(reply.status()).isEqualTo(429);
    assertThat(allowed).isBetween(PER_USER, PER_USER + (int) refills + 1);
    for (Api api : new Api[] {onA, onB}) {
      Reply refused = api.get("/api/v1/me", token);
      assertThat(refused.status()).isEqualTo(429);
      assertThat(refused.header("Content-Type")).isEqualTo("application/problem+json");
      assertThat(refused.json().getInteger("status")).isEqualTo(429);
      assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 60L);
      assertThat(refused.header("RateLimit-Remaining")).isEqualTo("0");
    }
    // Another user from the same address still has a budget of its own.
    assertThat(onB.get("/api/v1/me", token(onB)).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("behind a trusted proxy, X-Forwarded-For names the client: its budget is one across both nodes")
  void trustedProxyForwardsTheClient() {
    // The default Api client connects from 127.0.0.1, a trusted proxy by default.
    String client = "203.0.113." + (1 + new java.util.Random().nextInt(250));
    long started = System.nanoTime();
    int allowed = 0;
    Reply reply;
    do {
      reply = (allowed % 2 == 0 ? a : b).api().post("/api/v1/auth/login", login(), null,
          Map.of("X-Forwarded-For", "198.51.100.7, " + client));
      if (reply.status() == 401) {
        allowed++;
      }
    } while (reply.status() == 401 && allowed < 10 * PER_IP);
    double refills = (System.nanoTime() - started) / 1e9 / (60.0 / PER_IP);
    assertThat(reply.status()).isEqualTo(429);
    assertThat(reply.header("Retry-After")).isNotBlank();
    assertThat(allowed).isBetween(PER_IP, PER_IP + (int) refills + 1);
    // The same proxy forwarding another client: a budget of its own.
    assertThat(a.api().post("/api/v1/auth/login", login(), null,
        Map.of("X-Forwarded-For", "198.51.100.8")).status()).isEqualTo(401);
  }

  @Test
  @DisplayName("X-Forwarded-For from an untrusted peer is ignored: the peer's own address is counted")
  void spoofedHeaderIsIgnored() {
    Api untrusted = a.api().fromNewAddress();
    int sent = 0;
    Reply reply;
    do {
      // A different forged client each time: were the header believed, nothing would ever be refused.
      sent++;
      reply = untrusted.post("/api/v1/auth/login", login(), null, Map.of("X-Forwarded-For", "192.0.2." + sent));
    } while (reply.status() == 401 && sent < 5 * PER_IP);
    assertThat(reply.status()).isEqualTo(429);
    assertThat(sent).isGreaterThan(PER_IP);
    assertThat(untrusted.post("/api/v1/auth/login", login(), null, Map.of("X-Forwarded-For", "192.0.2.250")).status())
        .isEqualTo(429);
  }

  @Test
  @DisplayName("a teacher's actions on one class (new assignments, enrollments) have a budget of their own")
  void teacherClassActions() {
    Api api = a.api().fromNewAddress();
    Api.Account teacher = api.account("teacher");
    String course = api.post("/api/v1/courses", new JsonObject().put("title", "Limited").put("subject", "s")
        .put("description", "d"), teacher.token()).json().getString("id");
    JsonObject assignment = new JsonObject().put("title", "Quiz").put("questions", new io.vertx.core.json.JsonArray()
        .add(new JsonObject().put("prompt", "2+2?").put("kind", "number").put("answer", 4).put("points", 1)));
    String path = "/api/v1/courses/" + course + "/assignments";
    int created = 0;
    Reply reply;
    do {
      reply = (created % 2 == 0 ? b : a).api().post(path, assignment, teacher.token());
      if (reply.status() == 201) {
        created++;
      }
    } while (reply.status() == 201 && created < 5 * PER_CLASS);
    assertThat(reply.status()).isEqualTo(429);
    assertThat(reply.header("RateLimit-Limit")).isEqualTo(Integer.toString(PER_CLASS));
    assertThat(created).isGreaterThanOrEqualTo(PER_CLASS).isLessThan(5 * PER_CLASS);
    // Reading the class is not a class action: the teacher's general budget still allows it.
    assertThat(a.api().get("/api/v1/courses/" + course, teacher.token()).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("AI chat has a per-user budget of its own, shared by both nodes")
  void aiChatBudget() {
    Api api = a.api().fromNewAddress();
    String token = token(api);
    JsonObject chat = new JsonObject().put("messages", new io.vertx.core.json.JsonArray()
        .add(new JsonObject().put("role", "user").put("content", "Hello")));
    int answered = 0;
    Reply reply;
    do {
      reply = (answered % 2 == 0 ? a : b).api().post("/api/v1/ai/chat", chat, token);
      if (reply.status() == 200) {
        answered++;
      }
    } while (reply.status() == 200 && answered < 5 * CHATS);
    assertThat(reply.status()).isEqualTo(429);
    assertThat(reply.header("RateLimit-Limit")).isEqualTo(Integer.toString(CHATS));
    assertThat(answered).isGreaterThanOrEqualTo(CHATS).isLessThan(5 * CHATS);
    // Other routes still answer: the chat budget is not the user's general one.
    assertThat(a.api().get("/api/v1/me", token).status()).isEqualTo(200);
  }

  private static JsonObject login() {
    return new JsonObject().put("email", "nobody-" + UUID.randomUUID() + "@test.learngrid").put("password", "wrong-password");
  }

  private static String token(Api api) {
    return api.login(api.registerStudent("right-password"), "right-password");
  }
}
