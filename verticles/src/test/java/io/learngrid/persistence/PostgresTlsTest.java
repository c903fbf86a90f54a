package io.learngrid.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.learngrid.config.ConfigException;
import io.learngrid.config.LearngridConfig;
import io.learngrid.config.SettingsReader;
import io.learngrid.config.UnreachableService;
import io.learngrid.dev.EmbeddedPostgres;
import io.learngrid.support.Api;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.TestNode;
import io.learngrid.support.TestServices;
import io.learngrid.support.TestTls;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("TLS to PostgreSQL: sslmode in LEARNGRID_PG_URL, the server checked against LEARNGRID_PG_CA_FILE")
class PostgresTlsTest {

  /** The server's CA and certificate: for the name localhost only, so that 127.0.0.1 is a wrong name. */
  private static Path tls;
  /** A CA that signed nothing the server has. */
  private static Path otherCa;
  private static EmbeddedPostgres postgres;

  @BeforeAll
  static void start() throws IOException {
    tls = TestTls.selfSigned("pg-tls", "localhost");
    otherCa = TestTls.selfSigned("pg-tls-other");
    Path dir = TestServices.scratch("pg-tls-server");
    // TLS or nothing: a connection without it is refused, so nothing that passes here went around
    // TLS, the migrations' JDBC connection included.
    Path hba = Files.writeString(dir.resolve("pg_hba.conf"),
        "hostssl all all 127.0.0.1/32 trust\nhostnossl all all 0.0.0.0/0 reject\n");
    postgres = EmbeddedPostgres.start(TestServices.postgresBinaries(), dir.resolve("data"), TestServices.freePort(),
        List.of("ssl=on", "ssl_cert_file=" + tls.resolve("fullchain.pem"), "ssl_key_file=" + tls.resolve("privkey.pem"),
            "hba_file=" + hba));
  }

  @AfterAll
  static void stop() throws IOException {
    if (postgres != null) {
      postgres.close();
    }
  }

  private static String url(String host, String sslmode) {
    return "postgresql://postgres@" + host + ":" + postgres.port() + "/postgres?sslmode=" + sslmode;
  }

  @Test
  @DisplayName("verify-full with the CA: the node migrates, starts and serves what it reads from PostgreSQL")
  void verifyFull() throws Exception {
    try (TestNode node = NodeSettings.defaults()
        .pgUrl(url("localhost", "verify-full"))
        .with("PG_CA_FILE", tls.resolve("ca.pem"))
        .start()) {
      Api api = node.api();
      String teacher = api.teacherToken();
      String id = api.post("/api/v1/courses", new JsonObject().put("title", "Over TLS").put("subject", "ops")
          .put("description", "d"), teacher).json().getString("id");
      Reply read = api.get("/api/v1/courses/" + id, teacher);
      assertThat(read.status()).isEqualTo(200);
      assertThat(read.json().getString("title")).isEqualTo("Over TLS");
      assertThat(api.get("/health/ready", null).json().getJsonObject("checks").getString("postgres")).isEqualTo("UP");
    }
  }

  @Test
  @DisplayName("verify-ca checks the CA but not the name: 127.0.0.1, which the certificate does not name, is accepted")
  void verifyCaIgnoresTheName() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      vertx.deployVerticle(new PersistenceVerticle(persistence(url("127.0.0.1", "verify-ca"), tls.resolve("ca.pem")),
          new SimpleMeterRegistry(), "test")).await(60, TimeUnit.SECONDS);
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("verify-full to a name the certificate lacks: the node does not start, and says why in one line")
  void verifyFullChecksTheName() throws Exception {
    assertRefused(persistence(url("127.0.0.1", "verify-full"), tls.resolve("ca.pem")), "127.0.0.1");
  }

  @Test
  @DisplayName("a CA that did not sign the server's certificate: the node does not start, at once, and says why")
  void wrongCa() throws Exception {
    long started = System.nanoTime();
    assertRefused(persistence(url("localhost", "verify-full"), otherCa.resolve("ca.pem")), "localhost");
    // A failed handshake is an answer, not a timeout: well within LEARNGRID_PG_CONNECT_TIMEOUT_MS.
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(10_000);
  }

  @Test
  @DisplayName("verify-ca and verify-full need LEARNGRID_PG_CA_FILE; the weaker modes refuse one; an unknown sslmode is named")
  void settingsAreChecked() {
    assertThatThrownBy(() -> persistence(url("localhost", "verify-full"), null))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("LEARNGRID_PG_CA_FILE: is required with sslmode=verify-full in LEARNGRID_PG_URL");
    assertThatThrownBy(() -> persistence(url("localhost", "require"), tls.resolve("ca.pem")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("LEARNGRID_PG_CA_FILE: is used only with sslmode=verify-ca or verify-full");
    assertThatThrownBy(() -> persistence(url("localhost", "verify-fool").replace("postgres@", "postgres:secret@"), null))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("LEARNGRID_PG_URL: has an unknown sslmode")
        .hasMessageNotContaining("secret");
    assertThatThrownBy(() -> persistence(url("localhost", "verify-ca"), tls.resolve("privkey.pem")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("LEARNGRID_PG_CA_FILE: ").hasMessageContaining("is not a PEM file of CA certificates");
  }

  private static void assertRefused(LearngridConfig config, String host) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      assertThatThrownBy(() -> vertx.deployVerticle(new PersistenceVerticle(config, new SimpleMeterRegistry(), "test"))
          .await(30, TimeUnit.SECONDS))
          .isInstanceOfSatisfying(UnreachableService.class, e -> assertThat(e.getMessage()).isEqualTo(
              "LEARNGRID_PG_URL: cannot connect to PostgreSQL at " + host + ":" + postgres.port() + " (TLS handshake "
                  + "failed: the server's certificate is not signed by a CA in LEARNGRID_PG_CA_FILE, or does not name "
                  + host + " (sslmode=verify-full))"));
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  private static LearngridConfig persistence(String url, Path ca) {
    Map<String, String> settings = new java.util.HashMap<>(Map.of(
        "LEARNGRID_ROLES", "persistence",
        "LEARNGRID_PG_URL", url,
        "LEARNGRID_PG_CONNECT_TIMEOUT_MS", "20000"));
    if (ca != null) {
      settings.put("LEARNGRID_PG_CA_FILE", ca.toString());
    }
    return LearngridConfig.from(new SettingsReader(settings));
  }
}
