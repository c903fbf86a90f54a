package io.learngrid.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.learngrid.config.LearngridConfig;
import io.learngrid.config.SettingsReader;
import io.learngrid.config.UnreachableService;
import io.learngrid.support.TestServices;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A persistence role whose PostgreSQL cannot be reached fails to start with one clear line")
class PostgresUnreachableTest {

  @Test
  @DisplayName("the failure names LEARNGRID_PG_URL, the host:port and the cause, without Flyway's report or a stack")
  void unreachableIsOneLine() throws Exception {
    int port = TestServices.freePort();
    LearngridConfig config = LearngridConfig.from(new SettingsReader(Map.of(
        "LEARNGRID_ROLES", "persistence",
        "LEARNGRID_PG_URL", "postgresql://app:secret@127.0.0.1:" + port + "/learngrid",
        "LEARNGRID_PG_CONNECT_TIMEOUT_MS", "1000")));
    Vertx vertx = Vertx.vertx();
    try {
      assertThatThrownBy(() -> vertx.deployVerticle(new PersistenceVerticle(config, new SimpleMeterRegistry(), "test"))
          .await(30, TimeUnit.SECONDS))
          .isInstanceOfSatisfying(UnreachableService.class, e -> {
            assertThat(e.getMessage()).startsWith("LEARNGRID_PG_URL: cannot connect to PostgreSQL at 127.0.0.1:" + port + " (")
                .containsIgnoringCase("refused")
                .doesNotContain("\n").doesNotContain("secret").doesNotContainIgnoringCase("flyway");
            assertThat(e.getStackTrace()).isEmpty();
          });
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }
}
