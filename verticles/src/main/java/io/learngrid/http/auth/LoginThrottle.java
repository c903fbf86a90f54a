package io.learngrid.http.auth;

import io.learngrid.bus.BusClient;
import io.learngrid.bus.cache.CacheCount;
import io.learngrid.bus.cache.CacheDecrement;
import io.learngrid.bus.cache.CacheGet;
import io.learngrid.bus.cache.CacheIncrement;
import io.learngrid.config.LearngridConfig;
import io.learngrid.http.ProblemException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brute-force protection of login that hands attackers no lockout (OWASP's authentication cheat
 * sheet): failed logins are counted in fixed windows per (email, client address), per client
 * address, and per email from everywhere, cluster-wide through the cache role (per node when no
 * cache role answers). Over the first two a login is refused with 429 before its password is
 * looked at. Over the account-wide count only an address the account signed in from within
 * {@link #KNOWN_DAYS} days may still try: so guesses from many addresses stop, and the owner at
 * home or at school still gets in.
 *
 * <p>Per email (and per email and address), each attempt is counted before the password is
 * verified and taken back unless it failed with bad credentials. Counting first is what makes those
 * limits hold under concurrency: a burst of parallel guesses at one account cannot all pass a check
 * that reads the count before any of them has failed. So those counters are "failed logins plus
 * logins in flight", and a success or a refusal leaves no trace. The per-address counter holds
 * failures only, read before and counted after: a whole school signs in from one address at the
 * start of an exam, hundreds at once, and counting those in flight refused nearly all of them
 * (978 of 1,000 in load/bench-login-storm.sh). A parallel burst of guesses at many emails from one
 * address may therefore pass that limit by the burst's size; every email's own limit still holds.
 */
public final class LoginThrottle {

  private static final Logger LOG = LoggerFactory.getLogger(LoginThrottle.class);
  static final String TOO_MANY = "too many failed logins, try again later";
  /** How long a successful login makes its address known to the account. */
  static final int KNOWN_DAYS = 30;

  /** One counter an attempt holds: where it lives, and what it said after the increment. */
  private record Hold(String key, int max, boolean local, CacheCount count) {
    boolean over() {
      return count.value() > max;
    }
  }

  private final boolean enabled;
  private final LearngridConfig.LoginLimits limits;
  private final BusClient cacheRole;
  private final LocalCounters local;

  public LoginThrottle(Vertx vertx, boolean enabled, LearngridConfig.LoginLimits limits, long timeoutMillis) {
    this.enabled = enabled;
    this.limits = limits;
    this.cacheRole = new BusClient(vertx, timeoutMillis);
    this.local = LocalCounters.of(vertx);
  }

  /**
   * Runs {@code login} for {@code email} (normalised) from {@code address} unless it is over a
   * limit; a 401 from it is counted as a failure against every counter, a success makes the
   * address known to the account.
   */
  <T> Future<T> guard(String email, String address, Supplier<Future<T>> login) {
    if (!enabled) {
      return login.get();
    }
    String account = digest(email);
    String addressKey = "login-failures:ip:" + address;
    Future<Hold> perEmail = hold("login-failures:email-address:" + account + ":" + address, limits.maxFailuresPerEmail());
    Future<Hold> perAccount = hold("login-failures:email:" + account, limits.maxFailuresPerAccount());
    Future<Long> addressFailures = failures(addressKey);
    return Future.all(perEmail, perAccount, addressFailures)
        .compose(all -> {
          List<Hold> holds = List.of(perEmail.result(), perAccount.result());
          boolean addressOver = addressFailures.result() >= limits.maxFailuresPerIp();
          boolean strictOver = perEmail.result().over() || addressOver;
          Future<Boolean> admitted = strictOver ? Future.succeededFuture(false)
              : !perAccount.result().over() ? Future.succeededFuture(true)
              : known(account, address);
          return admitted.compose(admit -> {
            if (!admit) {
              // The address's counter lasts a window from its first failure: at most that long.
              long retryAfter = Math.max(addressOver ? limits.windowSeconds() : 1,
                  holds.stream().filter(Hold::over).mapToLong(hold -> hold.count().ttlSeconds()).max().orElse(1));
              return release(holds).compose(released -> Future.failedFuture(
                  new ProblemException(429, TOO_MANY, List.of(), (int) Math.max(1, retryAfter))));
            }
            return login.get().transform(result -> {
              if (result.failed() && result.cause() instanceof ProblemException problem && problem.status() == 401) {
                hold(addressKey, limits.maxFailuresPerIp()).onSuccess(LoginThrottle::logIfReached);
                holds.forEach(LoginThrottle::logIfReached);
                return Future.failedFuture(problem);
              }
              if (result.succeeded()) {
                remember(account, address);
              }
              return release(holds).transform(released -> result.succeeded()
                  ? Future.succeededFuture(result.result())
                  : Future.failedFuture(result.cause()));
            });
          });
        });
  }

  /**
   * Whether {@code address} signed in to the account lately: its counter of successes exists.
   * Read by counting one more and taking it back (the cache role's counters have no plain read):
   * a counter this creates lives one login window, so guesses from many addresses leave nothing
   * for long. Unknown when the cache role does not answer.
   */
  private Future<Boolean> known(String account, String address) {
    String key = knownKey(account, address);
    return cacheRole.request(CacheIncrement.ENDPOINT, new CacheIncrement(key, limits.windowSeconds()))
        .map(count -> {
          cacheRole.request(CacheDecrement.ENDPOINT, new CacheDecrement(key));
          return count.value() > 1;
        })
        .otherwise(false);
  }

  private void remember(String account, String address) {
    cacheRole.request(CacheIncrement.ENDPOINT, new CacheIncrement(knownKey(account, address), KNOWN_DAYS * 86_400))
        .onFailure(failure -> LOG.debug("login address not remembered: " + failure.getMessage()));
  }

  private static String knownKey(String account, String address) {
    return "login-known:" + account + ":" + address;
  }

  /** One line when a failure brought a counter to its limit: from the next attempt on, it refuses. */
  private static void logIfReached(Hold hold) {
    if (hold.count().value() == hold.max()) {
      LOG.info("login limit reached: " + hold.key() + " refused for " + hold.count().ttlSeconds() + " s");
    }
  }

  /** The failures counted under {@code key} so far; this node's count while the cache role fails. */
  private Future<Long> failures(String key) {
    return cacheRole.request(CacheGet.ENDPOINT, new CacheGet(key))
        .map(value -> value.value() == null ? 0L : Long.parseLong(value.value()))
        .otherwise(failure -> local.value(key));
  }

  private Future<Hold> hold(String key, int max) {
    return cacheRole.request(CacheIncrement.ENDPOINT, new CacheIncrement(key, limits.windowSeconds()))
        .map(count -> {
          if (local.inUse.compareAndSet(true, false)) {
            LOG.info("login counters are cluster-wide again (cache role answers)");
          }
          return new Hold(key, max, false, count);
        })
        .recover(failure -> {
          if (local.inUse.compareAndSet(false, true)) {
            LOG.warn("login counters fall back to this node's memory: the cache role failed ("
                + failure.getMessage() + ")");
          }
          return Future.succeededFuture(new Hold(key, max, true, local.increment(key, limits.windowSeconds())));
        });
  }

  private Future<Void> release(List<Hold> holds) {
    return Future.all(holds.stream().map(this::release).toList()).mapEmpty();
  }

  private Future<Void> release(Hold hold) {
    if (hold.local()) {
      local.decrement(hold.key());
      return Future.succeededFuture();
    }
    // If the take-back is lost, the attempt stays counted as a failure until the window ends.
    return cacheRole.request(CacheDecrement.ENDPOINT, new CacheDecrement(hold.key()))
        .<Void>mapEmpty()
        .recover(failure -> {
          LOG.debug("login counter " + hold.key() + " not taken back: " + failure.getMessage());
          return Future.succeededFuture();
        });
  }

  /** Emails are kept out of Redis keys (and logs): their SHA-256 names the counter instead. */
  private static String digest(String email) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(email.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
