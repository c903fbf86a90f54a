package io.learngrid.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.Api;
import io.learngrid.support.Api.Account;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.BridgeSocket;
import io.learngrid.support.Database;
import io.learngrid.support.Eventually;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.TestNode;
import io.learngrid.support.TestServices;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The TCP event-bus bridge: the secret, the allow-lists, the connection limit, a job run over it")
class BridgeTest {

  static final String SECRET = "bridge-secret-for-tests-0123456789abcdef";
  static final int MAX_CONNECTIONS = 3;
  static TestNode node;
  static int port;

  @BeforeAll
  static void start() {
    port = TestServices.freePort();
    // No ai role: lesson plans wait for a bridged worker.
    node = NodeSettings.defaults().roles("http,persistence,cache")
        .with("BRIDGE_PORT", port)
        .with("BRIDGE_SECRET", SECRET)
        .with("BRIDGE_MAX_CONNECTIONS", MAX_CONNECTIONS)
        .start();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  private static double metric(String series) {
    return node.node().registry().scrape().lines().filter(line -> line.startsWith(series + " "))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
  }

  @Test
  @DisplayName("a wrong secret, or a first frame that is not the authenticating ping, is refused and the connection closed")
  void wrongSecret() throws Exception {
    double before = metric("learngrid_bridge_rejected_total{reason=\"secret\"}");
    try (BridgeSocket socket = new BridgeSocket(port)) {
      JsonObject answer = socket.authenticate(SECRET + "x");
      assertThat(answer.getString("type")).isEqualTo("err");
      assertThat(answer.getString("message")).isEqualTo("authentication failed");
      assertThat(socket.closedByNode()).isTrue();
    }
    try (BridgeSocket socket = new BridgeSocket(port)) {
      // Headers that are not an object are no secret.
      socket.send(new JsonObject().put("type", "ping").put("headers", "secret"));
      assertThat(socket.read().getString("message")).isEqualTo("authentication failed");
      assertThat(socket.closedByNode()).isTrue();
    }
    try (BridgeSocket socket = new BridgeSocket(port)) {
      JsonObject answer = socket.request("learngrid.jobs.claim", claim("lesson-plan"));
      assertThat(answer.getString("type")).isEqualTo("err");
      assertThat(socket.closedByNode()).isTrue();
    } catch (java.io.EOFException | java.net.SocketException closedFirst) {
      // The node may close before the test reads its answer: refused all the same.
    }
    assertThat(metric("learngrid_bridge_rejected_total{reason=\"secret\"}")).isEqualTo(before + 3);
  }

  @Test
  @DisplayName("an address that is not bridgeable, and a claim of a kind not opened, are refused with 403 and counted")
  void allowLists() throws Exception {
    double addresses = metric("learngrid_bridge_rejected_total{reason=\"address\"}");
    double kinds = metric("learngrid_bridge_rejected_total{reason=\"kind\"}");
    try (BridgeSocket socket = new BridgeSocket(port)) {
      assertThat(socket.authenticate(SECRET).getString("type")).isEqualTo("pong");
      JsonObject users = socket.request("learngrid.users.create\nfake log line", new JsonObject().put("email", "x@example.com"));
      assertThat(users.getString("type")).isEqualTo("err");
      assertThat(users.getInteger("failureCode")).isEqualTo(403);
      assertThat(users.getString("message")).contains("not bridgeable");

      JsonObject email = socket.request("learngrid.jobs.claim", claim("email"));
      assertThat(email.getInteger("failureCode")).isEqualTo(403);
      assertThat(email.getString("message")).contains("kind 'email'");

      JsonObject tooMany = socket.request("learngrid.jobs.claim", claim("lesson-plan").put("max", 1_000));
      assertThat(tooMany.getInteger("failureCode")).isEqualTo(403);

      // Still connected and authenticated: an allowed request is answered.
      JsonObject allowed = socket.request("learngrid.jobs.renew",
          new JsonObject().put("leaseTokens", new JsonArray()).put("leaseMillis", 30_000));
      assertThat(allowed.getString("type")).as(allowed.encode()).isEqualTo("message");
    }
    assertThat(metric("learngrid_bridge_rejected_total{reason=\"address\"}")).isEqualTo(addresses + 1);
    assertThat(metric("learngrid_bridge_rejected_total{reason=\"kind\"}")).isEqualTo(kinds + 1);
  }

  @Test
  @DisplayName("a lesson-plan job is claimed, held under a bridge/ lease, and finished over the bridge; a wrong lease token is a 409")
  void jobOverTheBridge() throws Exception {
    Api api = node.api();
    Account teacher = api.account("teacher");
    Reply accepted = api.post("/api/v1/ai/lesson-plans", new JsonObject().put("topic", "volcanoes " + UUID.randomUUID())
        .put("gradeLevel", "5").put("durationMinutes", 45), teacher.token());
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
    String jobId = accepted.json().getString("jobId");
    try (BridgeSocket socket = new BridgeSocket(port)) {
      assertThat(socket.authenticate(SECRET).getString("type")).isEqualTo("pong");
      JsonObject claimed = null;
      for (int i = 0; i < 20 && claimed == null; i++) {
        JsonArray jobs = socket.request("learngrid.jobs.claim", claim("lesson-plan").put("max", 10))
            .getJsonObject("body").getJsonArray("jobs");
        for (Object job : jobs) {
          if (((JsonObject) job).getString("id").equals(jobId)) {
            claimed = (JsonObject) job;
          }
        }
      }
      assertThat(claimed).as("the job was claimed").isNotNull();
      assertThat(claimed.getJsonObject("input").getInteger("durationMinutes")).isEqualTo(45);
      assertThat(Database.value("SELECT lease_owner FROM jobs WHERE id = ?::uuid", jobId)).isEqualTo("bridge/java-test");
      assertThat(api.get("/api/v1/jobs/" + jobId, teacher.token()).json().getString("status")).isEqualTo("running");

      JsonObject wrong = socket.request("learngrid.jobs.finish", finish(jobId, UUID.randomUUID().toString()));
      assertThat(wrong.getString("type")).isEqualTo("err");
      assertThat(wrong.getInteger("failureCode")).isEqualTo(409);

      JsonObject done = socket.request("learngrid.jobs.finish", finish(jobId, claimed.getString("leaseToken")));
      assertThat(done.getJsonObject("body").getString("status")).as(done.encode()).isEqualTo("succeeded");
    }
    JsonObject job = api.get("/api/v1/jobs/" + jobId, teacher.token()).json();
    assertThat(job.getString("status")).isEqualTo("succeeded");
    assertThat(job.getJsonObject("result")).isEqualTo(new JsonObject().put("lessonPlan", "1. Eruptions (10 min)"));
  }

  @Test
  @DisplayName("past LEARNGRID_BRIDGE_MAX_CONNECTIONS a new connection is refused and closed")
  void connectionLimit() throws Exception {
    Eventually.within(10, () -> metric("learngrid_bridge_connections") == 0);
    double before = metric("learngrid_bridge_rejected_total{reason=\"connections\"}");
    List<BridgeSocket> open = new ArrayList<>();
    try {
      for (int i = 0; i < MAX_CONNECTIONS; i++) {
        BridgeSocket socket = new BridgeSocket(port);
        open.add(socket);
        assertThat(socket.authenticate(SECRET).getString("type")).isEqualTo("pong");
      }
      assertThat(metric("learngrid_bridge_connections")).isEqualTo(MAX_CONNECTIONS);
      try (BridgeSocket extra = new BridgeSocket(port)) {
        JsonObject refused = extra.authenticate(SECRET);
        assertThat(refused.getString("type")).isEqualTo("err");
        assertThat(refused.getString("message")).contains("at most " + MAX_CONNECTIONS);
        assertThat(extra.closedByNode()).isTrue();
      }
    } finally {
      for (BridgeSocket socket : open) {
        socket.close();
      }
    }
    assertThat(metric("learngrid_bridge_rejected_total{reason=\"connections\"}")).isEqualTo(before + 1);
  }

  @Test
  @DisplayName("the node serves each bridgeable message's JSON Schema, and 404s a name it does not have")
  void schemasServed() {
    Api api = node.api();
    Reply claim = api.get("/event-bus/schemas/learngrid.jobs.claim.json", null);
    assertThat(claim.status()).isEqualTo(200);
    assertThat(claim.header("Content-Type")).isEqualTo("application/schema+json");
    assertThat(claim.json().getString("title")).isEqualTo("learngrid.jobs.claim");
    Reply missing = api.get("/event-bus/schemas/learngrid.users.create.json", null);
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.body()).contains("learngrid.jobs.finish.json");
  }

  @Test
  @DisplayName("with LEARNGRID_BRIDGE_TLS_CERT/KEY the bridge speaks TLS: a worker trusting the certificate authenticates")
  void tls() throws Exception {
    io.vertx.core.net.SelfSignedCertificate certificate = io.vertx.core.net.SelfSignedCertificate.create("localhost");
    int tlsPort = TestServices.freePort();
    try (TestNode tlsNode = NodeSettings.defaults().roles("http,persistence,cache")
        .with("BRIDGE_PORT", tlsPort).with("BRIDGE_SECRET", SECRET)
        .with("BRIDGE_TLS_CERT", certificate.certificatePath()).with("BRIDGE_TLS_KEY", certificate.privateKeyPath())
        .start()) {
      java.security.KeyStore trusted = java.security.KeyStore.getInstance("PKCS12");
      trusted.load(null, null);
      try (var pem = java.nio.file.Files.newInputStream(java.nio.file.Path.of(certificate.certificatePath()))) {
        trusted.setCertificateEntry("bridge", java.security.cert.CertificateFactory.getInstance("X.509")
            .generateCertificate(pem));
      }
      javax.net.ssl.TrustManagerFactory trust = javax.net.ssl.TrustManagerFactory.getInstance(
          javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
      tls.init(null, trust.getTrustManagers(), null);
      try (BridgeSocket socket = new BridgeSocket(tls.getSocketFactory().createSocket("127.0.0.1", tlsPort))) {
        assertThat(socket.authenticate(SECRET).getString("type")).isEqualTo("pong");
        JsonObject claimed = socket.request("learngrid.jobs.claim", claim("lesson-plan"));
        assertThat(claimed.getString("type")).as(claimed.encode()).isEqualTo("message");
      }
      // Plain TCP to the TLS port gets no pong.
      try (BridgeSocket plain = new BridgeSocket(tlsPort)) {
        plain.send(new JsonObject().put("type", "ping").put("headers", new JsonObject().put("secret", SECRET)));
        assertThat(plain.closedByNode()).isTrue();
      } catch (java.io.IOException refused) {
        // The TLS server may reset the connection before the ping is even written.
      }
    } finally {
      certificate.delete();
    }
  }

  static JsonObject claim(String kind) {
    return new JsonObject().put("owner", "java-test").put("kind", kind).put("max", 1).put("leaseMillis", 30_000);
  }

  static JsonObject finish(String jobId, String leaseToken) {
    return new JsonObject().put("id", jobId).put("leaseToken", leaseToken)
        .put("result", new JsonObject().put("lessonPlan", "1. Eruptions (10 min)")).putNull("error")
        .put("retry", false).put("retryAfterMillis", 0);
  }
}
