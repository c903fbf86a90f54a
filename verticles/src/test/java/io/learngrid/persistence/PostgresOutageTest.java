package io.learngrid.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.dev.EmbeddedPostgres;
import io.learngrid.support.Api;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.CloseAfterAll;
import io.learngrid.support.Eventually;
import io.learngrid.support.LearngridNode;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.TestServices;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("PostgreSQL goes away and comes back while a node serves")
@LearngridNode
class PostgresOutageTest {

  @CloseAfterAll
  private static EmbeddedPostgres postgres;
  private static NodeSettings settings;

  @BeforeAll
  static void start() throws Exception {
    Path dir = TestServices.scratch("pg-outage");
    postgres = EmbeddedPostgres.start(TestServices.postgresBinaries(), dir.resolve("pg"), TestServices.freePort());
    settings = NodeSettings.defaults().pgUrl(postgres.url()).pgConnectTimeoutMillis(1000);
  }

  @Test
  @DisplayName("requests get 503 with Retry-After (never 500), readiness turns 503, and both recover")
  void outageIsA503AndRecovers(Api api) throws Exception {
    String student = api.login(api.registerStudent("student-password"), "student-password");
    assertThat(api.get("/api/v1/me", student).status()).isEqualTo(200);

    postgres.stop();
    Reply list = api.get("/api/v1/courses", student);
    assertThat(list.status()).isEqualTo(503);
    assertThat(list.header("Retry-After")).isNotBlank();
    assertThat(list.header("Content-Type")).isEqualTo("application/problem+json");
    // The profile was cached by the first read: cached reads outlive the database.
    assertThat(api.get("/api/v1/me", student).status()).isEqualTo(200);
    Reply ready = api.get("/health/ready", null);
    assertThat(ready.status()).isEqualTo(503);
    assertThat(ready.json().getJsonObject("checks").getString("postgres")).isEqualTo("DOWN");
    assertThat(api.get("/health", null).status()).isEqualTo(200);

    postgres.start();
    Eventually.within(30, () -> api.get("/health/ready", null).status() == 200);
    assertThat(api.get("/api/v1/courses", student).status()).isEqualTo(200);
  }
}
