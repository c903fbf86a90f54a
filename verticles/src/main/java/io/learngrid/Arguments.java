package io.learngrid;

import io.learngrid.config.LearngridConfig;
import io.learngrid.config.SettingsReader;
import java.util.List;

/** The launcher's command line; flags override the matching LEARNGRID_* settings. */
record Arguments(String command, boolean cluster, String roles, String configFile) {

  static Arguments parse(String[] args) {
    if (args.length == 0) {
      throw new IllegalArgumentException("a command is required");
    }
    // Anywhere on the line, as in most tools: `learngrid run --help` shows the usage, runs nothing.
    if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
      return new Arguments("help", false, null, null);
    }
    String command = args[0];
    if (!List.of("run", "dev", "services", "simulator", "help").contains(command)) {
      throw new IllegalArgumentException("unknown command '" + command + "'");
    }
    boolean cluster = false;
    String roles = null;
    String configFile = null;
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--cluster", "-cluster" -> cluster = true;
        case "--roles" -> roles = value(args, ++i, "--roles");
        case "--config" -> configFile = value(args, ++i, "--config");
        default -> {
          if (args[i].startsWith("--roles=")) {
            roles = args[i].substring("--roles=".length());
          } else if (args[i].startsWith("--config=")) {
            configFile = args[i].substring("--config=".length());
          } else {
            throw new IllegalArgumentException("unknown option '" + args[i] + "'");
          }
        }
      }
    }
    // The simulator is no node: it neither clusters nor runs roles, and saying so beats ignoring the flag.
    if ((command.equals("simulator") || command.equals("services")) && (cluster || roles != null)) {
      throw new IllegalArgumentException("'" + command + "' takes only --config");
    }
    return new Arguments(command, cluster, roles, configFile);
  }

  private static String value(String[] args, int index, String option) {
    if (index >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[index];
  }

  SettingsReader applyTo(SettingsReader settings) {
    SettingsReader result = settings;
    if (cluster) {
      result = result.with(LearngridConfig.CLUSTER, "true");
    }
    if (roles != null) {
      result = result.with(LearngridConfig.ROLES, roles);
    }
    return result;
  }
}
