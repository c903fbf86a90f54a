package io.learngrid.bus.accounts;

import io.learngrid.bus.BusMessage;

/** Reply to {@link FindCredentials} and {@link GetCredentials}; {@code status} is active or disabled. */
public record Credentials(String userId, String role, String passwordHash, String status) implements BusMessage {

  public boolean active() {
    return !"disabled".equals(status);
  }
}
