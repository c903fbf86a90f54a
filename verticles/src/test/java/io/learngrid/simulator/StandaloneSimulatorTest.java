package io.learngrid.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.learngrid.config.ConfigException;
import io.learngrid.config.SettingsReader;
import io.vertx.core.json.JsonObject;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The simulator command (learngrid.jar simulator)")
class StandaloneSimulatorTest {

  private static SimulatorSettings settings(Map<String, String> values) {
    return StandaloneSimulator.settings(new SettingsReader(values));
  }

  @Test
  @DisplayName("binds every interface on port 8089 by default, with the dev node's timing and no faults")
  void defaults() {
    SimulatorSettings settings = settings(Map.of());
    assertThat(settings.host()).isEqualTo("0.0.0.0");
    assertThat(settings.port()).isEqualTo(8089);
    assertThat(settings.firstTokenMillis()).isEqualTo(200);
    assertThat(settings.tokenMillis()).isEqualTo(20);
    assertThat(settings.errorRate()).isZero();
    assertThat(settings.rateLimitRate()).isZero();
  }

  @Test
  @DisplayName("reads LEARNGRID_SIM_HOST, _PORT, _FIRST_TOKEN_MS, _TOKEN_MS, _ERROR_RATE and _429_RATE")
  void readsEveryKey() {
    SimulatorSettings settings = settings(Map.of(
        "LEARNGRID_SIM_HOST", "127.0.0.1",
        "LEARNGRID_SIM_PORT", "9_090",
        "LEARNGRID_SIM_FIRST_TOKEN_MS", "350",
        "LEARNGRID_SIM_TOKEN_MS", "7",
        "LEARNGRID_SIM_ERROR_RATE", "0.05",
        "LEARNGRID_SIM_429_RATE", "0.1"));
    assertThat(settings).isEqualTo(SimulatorSettings.defaults()
        .withHost("127.0.0.1").withPort(9090).withTiming(350, 7).withFaults(0.05, 0.1));
  }

  @Test
  @DisplayName("a bad value is a configuration error naming its key")
  void badValuesNameTheirKey() {
    assertFails("LEARNGRID_SIM_PORT", "65536");
    assertFails("LEARNGRID_SIM_FIRST_TOKEN_MS", "-1");
    assertFails("LEARNGRID_SIM_TOKEN_MS", "fast");
    assertFails("LEARNGRID_SIM_ERROR_RATE", "1.5");
    assertThatThrownBy(() -> settings(Map.of("LEARNGRID_SIM_ERROR_RATE", "0.6", "LEARNGRID_SIM_429_RATE", "0.5")))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("LEARNGRID_SIM_429_RATE:");
  }

  @Test
  @DisplayName("starts from its settings, answers chat completions, and stops its port on close")
  void startsAndStops() throws Exception {
    SimulatorSettings settings = settings(Map.of(
        "LEARNGRID_SIM_HOST", "127.0.0.1", "LEARNGRID_SIM_PORT", "0",
        "LEARNGRID_SIM_FIRST_TOKEN_MS", "1", "LEARNGRID_SIM_TOKEN_MS", "0"));
    StandaloneSimulator simulator = StandaloneSimulator.start(settings);
    String base = "http://127.0.0.1:" + simulator.port();
    HttpClient client = HttpClient.newHttpClient();
    try {
      HttpResponse<String> health = client.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      HttpResponse<String> chat = client.send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(
                  "{\"model\":\"learngrid-sim\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}"))
              .build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(chat.statusCode()).isEqualTo(200);
      assertThat(new JsonObject(chat.body()).getString("object")).isEqualTo("chat.completion");
    } finally {
      simulator.close();
    }
    assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
        HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(ConnectException.class);
  }

  @Test
  @DisplayName("fails to start with the bind error when its port is taken")
  void portInUse() throws Exception {
    SimulatorSettings first = SimulatorSettings.defaults().withPort(0);
    StandaloneSimulator running = StandaloneSimulator.start(first);
    try {
      assertThatThrownBy(() -> StandaloneSimulator.start(first.withPort(running.port())))
          .hasMessageContaining("ddress already in use");
    } finally {
      running.close();
    }
  }

  private static void assertFails(String key, String value) {
    assertThatThrownBy(() -> settings(Map.of(key, value)))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith(key + ":");
  }
}
