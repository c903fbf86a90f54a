package io.learngrid.config;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The jobs a node can take; any subset may run on one node. */
public enum Role {
  HTTP, PERSISTENCE, CACHE, AI;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code http,persistence,cache,ai}; an empty or absent list means all roles. */
  public static Set<Role> parseList(String key, String list) {
    if (list == null || list.isBlank()) {
      return EnumSet.allOf(Role.class);
    }
    EnumSet<Role> roles = EnumSet.noneOf(Role.class);
    for (String part : list.split(",")) {
      String id = part.trim().toLowerCase(Locale.ROOT);
      if (id.isEmpty()) {
        continue;
      }
      try {
        roles.add(Role.valueOf(id.toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(key, "unknown role '" + id + "' (expected http, persistence, cache, ai)");
      }
    }
    if (roles.isEmpty()) {
      throw new ConfigException(key, "names no role");
    }
    return roles;
  }
}
