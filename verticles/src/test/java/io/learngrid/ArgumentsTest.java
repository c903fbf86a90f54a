package io.learngrid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.learngrid.config.LearngridConfig;
import io.learngrid.config.SettingsReader;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The launcher's command line")
class ArgumentsTest {

  @Test
  @DisplayName("run takes --cluster, --roles and --config, in both spellings, and they override the settings")
  void runWithFlags() {
    Arguments arguments = Arguments.parse(new String[] {"run", "-cluster", "--roles=http,cache", "--config", "node.env"});
    assertThat(arguments).isEqualTo(new Arguments("run", true, "http,cache", "node.env"));
    SettingsReader settings = arguments.applyTo(new SettingsReader(Map.of(LearngridConfig.ROLES, "ai")));
    assertThat(settings.optional(LearngridConfig.CLUSTER)).isEqualTo("true");
    assertThat(settings.optional(LearngridConfig.ROLES)).isEqualTo("http,cache");
  }

  @Test
  @DisplayName("simulator is a command of its own and takes a config file")
  void simulatorCommand() {
    assertThat(Arguments.parse(new String[] {"simulator"})).isEqualTo(new Arguments("simulator", false, null, null));
    assertThat(Arguments.parse(new String[] {"simulator", "--config=sim.env"}).configFile()).isEqualTo("sim.env");
  }

  @Test
  @DisplayName("simulator refuses the node flags rather than ignoring them")
  void simulatorRefusesNodeFlags() {
    assertThatThrownBy(() -> Arguments.parse(new String[] {"simulator", "--cluster"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only --config");
    assertThatThrownBy(() -> Arguments.parse(new String[] {"simulator", "--roles", "ai"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only --config");
  }

  @Test
  @DisplayName("services (the dev services without a node) takes only a config file")
  void servicesCommand() {
    assertThat(Arguments.parse(new String[] {"services", "--config", "s.env"}))
        .isEqualTo(new Arguments("services", false, null, "s.env"));
    assertThatThrownBy(() -> Arguments.parse(new String[] {"services", "--cluster"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'services' takes only --config");
  }

  @Test
  @DisplayName("--help and -h anywhere on the line ask for the usage, as the help command does")
  void helpFlags() {
    Arguments help = new Arguments("help", false, null, null);
    assertThat(Arguments.parse(new String[] {"--help"})).isEqualTo(help);
    assertThat(Arguments.parse(new String[] {"-h"})).isEqualTo(help);
    assertThat(Arguments.parse(new String[] {"run", "--cluster", "--help"})).isEqualTo(help);
    assertThat(Arguments.parse(new String[] {"help"})).isEqualTo(help);
  }

  @Test
  @DisplayName("an unknown command or option, or a flag without its value, is refused")
  void badCommandLines() {
    assertThatThrownBy(() -> Arguments.parse(new String[0])).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Arguments.parse(new String[] {"serve"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown command");
    assertThatThrownBy(() -> Arguments.parse(new String[] {"run", "--verbose"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown option");
    assertThatThrownBy(() -> Arguments.parse(new String[] {"run", "--roles"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a value");
  }
}
