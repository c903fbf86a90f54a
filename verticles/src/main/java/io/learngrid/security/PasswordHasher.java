package io.learngrid.security;

import at.favre.lib.crypto.bcrypt.BCrypt;
import at.favre.lib.crypto.bcrypt.LongPasswordStrategies;
import at.favre.lib.crypto.bcrypt.LongPasswordStrategy;
import io.learngrid.bus.BusError;
import io.learngrid.config.LearngridConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * bcrypt on a worker pool of its own: one hash costs tens of milliseconds of CPU by design, which
 * would stall every connection of an event loop, and a login storm (a whole school at the start of
 * an exam) must not take the worker threads that file I/O and Flyway need either. The pool has
 * {@code hashThreads} threads (the cores, by default): more would only share the same CPUs.
 *
 * <p>Bounded wait: at most {@code hashMaxWaiting} hashes queue, and one that waited longer than
 * {@code hashMaxWaitMillis} for a thread is not computed. Both answer 503 with Retry-After at once,
 * instead of a login that times out after its client gave up, still costing a hash.
 */
public final class PasswordHasher {

  // bcrypt reads only 72 bytes; longer passwords are pre-hashed so no part of them is ignored.
  private static final LongPasswordStrategy LONG_PASSWORDS =
      LongPasswordStrategies.hashSha512(BCrypt.Version.VERSION_2A);
  static final String POOL = "learngrid-password-hashing";
  private static final int RETRY_AFTER_SECONDS = 2;
  private static final String BUSY = "too many sign-ins at once; retry in a moment";

  private final int cost;
  private final WorkerExecutor pool;
  private final int maxWaiting;
  private final long maxWaitNanos;
  private final AtomicInteger waiting = new AtomicInteger();
  private final Future<String> dummyHash;

  public PasswordHasher(Vertx vertx, LearngridConfig.Auth auth) {
    this(vertx, auth.bcryptCost(), auth.hashThreads(), auth.hashMaxWaiting(), auth.hashMaxWaitMillis());
  }

  /** A shared pool by name: the http verticle's instances and the roles of one node use the same threads. */
  public PasswordHasher(Vertx vertx, int cost, int threads, int maxWaiting, long maxWaitMillis) {
    this.cost = cost;
    this.pool = vertx.createSharedWorkerExecutor(POOL, threads, 60, TimeUnit.SECONDS);
    this.maxWaiting = maxWaiting;
    this.maxWaitNanos = TimeUnit.MILLISECONDS.toNanos(maxWaitMillis);
    // Compared against when an email is unknown, so that a miss costs as long as a wrong password.
    this.dummyHash = hash("not-a-real-password-" + System.nanoTime());
  }

  public Future<String> hash(String password) {
    return bounded(() -> hashNow(password));
  }

  /** Verifies against {@code hash}, or against a dummy hash when it is null (unknown user). */
  public Future<Boolean> verify(String password, String hash) {
    // An empty hash (an erased account, a rostered one before its student chose a password) takes
    // the dummy's time too, so no login tells those accounts apart from the others.
    boolean usable = hash != null && !hash.isEmpty();
    Future<String> against = usable ? Future.succeededFuture(hash) : dummyHash;
    return against.compose(stored -> bounded(() -> verifyNow(password, stored) && usable));
  }

  private <T> Future<T> bounded(Callable<T> work) {
    if (waiting.incrementAndGet() > maxWaiting) {
      waiting.decrementAndGet();
      return Future.failedFuture(BusError.UNAVAILABLE.exception(BUSY, RETRY_AFTER_SECONDS));
    }
    long queued = System.nanoTime();
    return pool.executeBlocking(() -> {
      waiting.decrementAndGet();
      if (System.nanoTime() - queued > maxWaitNanos) {
        throw BusError.UNAVAILABLE.exception(BUSY, RETRY_AFTER_SECONDS);
      }
      return work.call();
    }, false);
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
