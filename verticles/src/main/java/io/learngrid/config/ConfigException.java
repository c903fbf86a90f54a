package io.learngrid.config;

import java.util.List;

/**
 * Settings that cannot be used; each problem names its key so the operator knows what to fix.
 * {@link LearngridConfig#from} reports every problem of a configuration in one exception.
 */
public final class ConfigException extends RuntimeException {

  private final List<String> problems;

  public ConfigException(String key, String problem) {
    this(List.of(key + ": " + problem));
  }

  /** One problem per entry, each {@code KEY: what is wrong}; the message has one per line. */
  public ConfigException(List<String> problems) {
    super(String.join("\n", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
