package io.learngrid.config;

/** A setting that cannot be used; the message names the key so the operator knows what to fix. */
public final class ConfigException extends RuntimeException {

  public ConfigException(String key, String problem) {
    super(key + ": " + problem);
  }
}
