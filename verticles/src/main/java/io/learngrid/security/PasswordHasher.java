package io.learngrid.security;

import at.favre.lib.crypto.bcrypt.BCrypt;
import at.favre.lib.crypto.bcrypt.LongPasswordStrategies;
import at.favre.lib.crypto.bcrypt.LongPasswordStrategy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;

/**
 * bcrypt, always on a worker thread: one hash costs tens of milliseconds of CPU by design, which
 * would stall every connection of an event loop.
 */
public final class PasswordHasher {

  // bcrypt reads only 72 bytes; longer passwords are pre-hashed so no part of them is ignored.
  private static final LongPasswordStrategy LONG_PASSWORDS =
      LongPasswordStrategies.hashSha512(BCrypt.Version.VERSION_2A);

  private final Vertx vertx;
  private final int cost;
  private final Future<String> dummyHash;

  public PasswordHasher(Vertx vertx, int cost) {
    this.vertx = vertx;
    this.cost = cost;
    // Compared against when an email is unknown, so that a miss costs as long as a wrong password.
    this.dummyHash = hash("not-a-real-password-" + System.nanoTime());
  }

  public Future<String> hash(String password) {
    return vertx.executeBlocking(() -> hashNow(password), false);
  }

  /** Verifies against {@code hash}, or against a dummy hash when it is null (unknown user). */
  public Future<Boolean> verify(String password, String hash) {
    // An empty hash (an erased account, a rostered one before its student chose a password) takes
    // the dummy's time too, so no login tells those accounts apart from the others.
    boolean usable = hash != null && !hash.isEmpty();
    Future<String> against = usable ? Future.succeededFuture(hash) : dummyHash;
    return against.compose(stored -> vertx.executeBlocking(() -> verifyNow(password, stored) && usable, false));
  }

  private String hashNow(String password) {
    return BCrypt.with(LONG_PASSWORDS).hashToString(cost, password.toCharArray());
  }

  private static boolean verifyNow(String password, String hash) {
    return BCrypt.verifyer(BCrypt.Version.VERSION_2A, LONG_PASSWORDS)
        .verify(password.getBytes(StandardCharsets.UTF_8), hash.getBytes(StandardCharsets.UTF_8))
        .verified;
  }
}
