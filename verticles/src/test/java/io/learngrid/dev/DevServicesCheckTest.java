package io.learngrid.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.learngrid.config.ConfigException;
import io.learngrid.config.SettingsReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The dev node checks its settings before it starts PostgreSQL and Redis")
class DevServicesCheckTest {

  @Test
  @DisplayName("nothing set is a valid dev node: the services it would start stand in for the URLs")
  void nothingSetIsValid() {
    DevServices.check(new SettingsReader(Map.of()));
  }

  @Test
  @DisplayName("a bad dev key and a bad node key are reported together, and nothing is created")
  void devAndNodeKeysTogether(@TempDir Path dir) {
    Path data = dir.resolve("data");
    SettingsReader settings = new SettingsReader(Map.of(
        "LEARNGRID_DATA_DIR", data.toString(),
        "LEARNGRID_DEV_PG_PORT", "0",
        "LEARNGRID_HTTP_PORT", "eighty",
        "LEARNGRID_SIM_ERROR_RATE", "2"));
    assertThatThrownBy(() -> DevServices.check(settings)).isInstanceOfSatisfying(ConfigException.class, e ->
        assertThat(e.problems()).extracting(p -> p.substring(0, p.indexOf(':')))
            .containsExactlyInAnyOrder("LEARNGRID_DEV_PG_PORT", "LEARNGRID_SIM_ERROR_RATE", "LEARNGRID_HTTP_PORT"));
    assertThat(Files.exists(data)).isFalse();
  }
}
