package io.learngrid.bus.accounts;

import io.learngrid.bus.BusMessage;

/**
 * Access tokens refused from now on: every token of {@code userId} issued before {@code notBefore}
 * (RFC 3339), and/or the one token {@code jti} until {@code expiresAt}. Replied by the stores that
 * revoke, and published on {@link #ADDRESS} to every http node, which refuses them from memory.
 */
public record Revocation(String userId, String notBefore, String jti, String expiresAt) implements BusMessage {
  /** A publish (no reply): every http node's {@code Revocations} applies it. */
  public static final String ADDRESS = "learngrid.auth.revocations.published";

  public static Revocation user(String userId, String notBefore) {
    return new Revocation(userId, notBefore, null, null);
  }
}
