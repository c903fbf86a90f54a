package io.learngrid.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * Reads {@code LEARNGRID_*} settings from the environment, over an optional file in the same
 * {@code KEY=value} form, and turns each into a typed value or a {@link ConfigException} that
 * names the key. A {@link #collecting()} reader records each problem instead, answers the default
 * (or null) and goes on, so that {@link #throwIfProblems()} can list every bad key at once.
 */
public final class SettingsReader {

  public static final String CONFIG_FILE_KEY = "LEARNGRID_CONFIG_FILE";
  private static final String PREFIX = "LEARNGRID_";

  private final Map<String, String> values;
  /** The problems found so far, shared by the copies of a collecting reader; null: throw at once. */
  private final List<String> problems;

  public SettingsReader(Map<String, String> values) {
    this(values, null);
  }

  private SettingsReader(Map<String, String> values, List<String> problems) {
    this.values = new HashMap<>(values);
    this.problems = problems;
  }

  /**
   * The file named by {@code LEARNGRID_CONFIG_FILE} (or {@code configFile}) first, then every
   * {@code LEARNGRID_*} environment variable over it: the environment wins, as in containers.
   */
  public static SettingsReader fromEnvironment(Map<String, String> env, String configFile) {
    Map<String, String> merged = new HashMap<>();
    String file = configFile != null ? configFile : env.get(CONFIG_FILE_KEY);
    if (file != null && !file.isBlank()) {
      merged.putAll(readFile(Path.of(file)));
    }
    env.forEach((key, value) -> {
      if (key.startsWith(PREFIX)) {
        merged.put(key, value);
      }
    });
    return new SettingsReader(merged);
  }

  private static Map<String, String> readFile(Path path) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(path)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new ConfigException(CONFIG_FILE_KEY, "cannot read " + path + " (" + e.getMessage() + ")");
    }
    Map<String, String> map = new HashMap<>();
    List<String> unknown = new ArrayList<>();
    for (String key : properties.stringPropertyNames()) {
      if (!key.startsWith(PREFIX)) {
        unknown.add(key + ": unknown key in " + path + " (keys start with " + PREFIX + ")");
      }
      map.put(key, properties.getProperty(key).trim());
    }
    if (!unknown.isEmpty()) {
      throw new ConfigException(unknown.stream().sorted().toList());
    }
    return map;
  }

  /** A copy with {@code key} set only where it has no value yet: defaults that dev mode computes. */
  public SettingsReader withDefault(String key, String value) {
    SettingsReader copy = new SettingsReader(values, problems);
    if (copy.optional(key) == null) {
      copy.values.put(key, value);
    }
    return copy;
  }

  /** A copy with {@code key} set to {@code value}: command-line flags over the environment. */
  public SettingsReader with(String key, String value) {
    SettingsReader copy = new SettingsReader(values, problems);
    copy.values.put(key, value);
    return copy;
  }

  /** True when no setting is given at all (a first {@code run} on a fresh machine). */
  public boolean isEmpty() {
    return values.values().stream().allMatch(String::isBlank);
  }

  /**
   * A reader over the same values that records problems instead of throwing them; this reader
   * itself when it already collects, so that several readers' problems end up in one list.
   */
  public SettingsReader collecting() {
    return problems != null ? this : new SettingsReader(values, new ArrayList<>());
  }

  /** Throws, or records when collecting, that {@code key} cannot be used. */
  public void report(String key, String problem) {
    if (problems == null) {
      throw new ConfigException(key, problem);
    }
    problems.add(key + ": " + problem);
  }

  /** {@code read}'s value, or {@code fallback} after recording its problems when collecting. */
  public <T> T check(Supplier<T> read, T fallback) {
    try {
      return read.get();
    } catch (ConfigException e) {
      if (problems == null) {
        throw e;
      }
      problems.addAll(e.problems());
      return fallback;
    }
  }

  /** Throws one exception listing every problem recorded so far, in the order they were found. */
  public void throwIfProblems() {
    if (problems != null && !problems.isEmpty()) {
      throw new ConfigException(problems);
    }
  }

  public String optional(String key) {
    String value = values.get(key);
    return value == null || value.isBlank() ? null : value.trim();
  }

  /** Like {@link #string}, but a key that is set and blank reads as "" (a list meant to be empty), not the default. */
  public String possiblyEmpty(String key, String defaultValue) {
    String value = values.get(key);
    return value == null ? defaultValue : value.trim();
  }

  public String string(String key, String defaultValue) {
    String value = optional(key);
    return value == null ? defaultValue : value;
  }

  public String required(String key, String why) {
    String value = optional(key);
    if (value == null) {
      report(key, "is required " + why);
    }
    return value;
  }

  public int integer(String key, int defaultValue, int min, int max) {
    return (int) longValue(key, defaultValue, min, max);
  }

  public long longValue(String key, long defaultValue, long min, long max) {
    String value = optional(key);
    if (value == null) {
      return defaultValue;
    }
    long parsed;
    try {
      parsed = Long.parseLong(value.replace("_", ""));
    } catch (NumberFormatException e) {
      report(key, "'" + value + "' is not a whole number");
      return defaultValue;
    }
    if (parsed < min || parsed > max) {
      report(key, parsed + " is outside " + min + ".." + max);
      return defaultValue;
    }
    return parsed;
  }

  public double fraction(String key, double defaultValue) {
    String value = optional(key);
    if (value == null) {
      return defaultValue;
    }
    try {
      double parsed = Double.parseDouble(value);
      if (parsed >= 0 && parsed <= 1) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below with the same message as an out-of-range value
    }
    report(key, "'" + value + "' is not a number from 0 to 1");
    return defaultValue;
  }

  public boolean flag(String key, boolean defaultValue) {
    String value = optional(key);
    if (value == null) {
      return defaultValue;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true", "on", "yes", "1" -> true;
      case "false", "off", "no", "0" -> false;
      default -> {
        report(key, "'" + value + "' is not on/off (true/false)");
        yield defaultValue;
      }
    };
  }
}
