package io.learngrid.security;

import java.util.Locale;

/**
 * An account's role. On the wire (access-token claims, bus messages, API bodies) and in the
 * database ({@code users.role}) it is the lowercase name: {@link #wire()}.
 */
public enum UserRole {
  STUDENT,
  TEACHER,
  ADMIN;

  private final String wire = name().toLowerCase(Locale.ROOT);

  /** {@code student}, {@code teacher} or {@code admin}. */
  public String wire() {
    return wire;
  }

  /** Whether {@code value} is this role's wire name; false for null or anything else. */
  public boolean is(String value) {
    return wire.equals(value);
  }

  /** The role of a wire name, or null when {@code value} names no role. */
  public static UserRole fromWire(String value) {
    for (UserRole role : values()) {
      if (role.wire.equals(value)) {
        return role;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return wire;
  }
}
