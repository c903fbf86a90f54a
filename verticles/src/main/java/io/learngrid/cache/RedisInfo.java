package io.learngrid.cache;

import io.vertx.core.json.JsonObject;

/** The figures of Redis's {@code INFO} that an operator asks about first: memory and evictions. */
final class RedisInfo {

  private RedisInfo() {}

  /** {@code info} is INFO's text: {@code key:value} lines under {@code # Section} headers. */
  static JsonObject figures(String info) {
    JsonObject figures = new JsonObject().put("reachable", true);
    for (String line : info.split("\r?\n")) {
      int colon = line.indexOf(':');
      if (line.startsWith("#") || colon < 0) {
        continue;
      }
      String key = line.substring(0, colon);
      String value = line.substring(colon + 1).trim();
      switch (key) {
        case "used_memory" -> figures.put("usedMemoryBytes", Long.parseLong(value));
        case "maxmemory" -> figures.put("maxMemoryBytes", Long.parseLong(value));
        case "maxmemory_policy" -> figures.put("maxMemoryPolicy", value);
        case "evicted_keys" -> figures.put("evictedKeys", Long.parseLong(value));
        case "connected_clients" -> figures.put("connectedClients", Long.parseLong(value));
        case "aof_enabled" -> figures.put("appendOnly", "1".equals(value));
        case "redis_version" -> figures.put("version", value);
        default -> { }
      }
    }
    return figures;
  }
}
