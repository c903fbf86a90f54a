package io.learngrid.http.auth;

import io.learngrid.bus.BusClient;
import io.learngrid.bus.BusJson;
import io.learngrid.bus.accounts.ListRevocations;
import io.learngrid.bus.accounts.Revocation;
import io.learngrid.bus.accounts.RevocationList;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Access tokens taken back before their expiry, refused on every node at once and checked from
 * memory on the request path (two map lookups).
 *
 * <p>The state is two node-local maps shared by the node's http verticles: user id → "not valid
 * before" (epoch ms; a password change, reset, disabling, role change, erasure) and jti → expiry
 * (logout). Its durable copy is in PostgreSQL, written by the same statement that changed the
 * account (AccountStore, RevocationStore), so a revocation exists exactly when the change committed.
 * A node applies a revocation to its own maps before it replies, publishes it on
 * {@link Revocation#ADDRESS} (every http node applies it within the cluster's delivery time,
 * milliseconds), and on start and every {@code resyncMillis} reloads the list from the persistence
 * role, which also repairs a publish a node missed (a partition). Entries older than the access-token
 * lifetime are dropped: they refuse only tokens that have expired anyway. Redis plays no part.
 */
public final class Revocations {

  private static final Logger LOG = LoggerFactory.getLogger(Revocations.class);

  private final Vertx vertx;
  private final Tokens tokens;
  private final boolean enabled;
  private final BusClient persistence;
  private final long resyncMillis;
  private final LocalMap<String, Long> notBefore;
  private final LocalMap<String, Long> denied;
  private volatile boolean loaded;

  /** {@code enabled} false skips the check (LEARNGRID_REVOCATION_CHECKS=off, only to measure its cost). */
  public Revocations(Vertx vertx, Tokens tokens, boolean enabled, long busTimeout, long resyncMillis) {
    this.vertx = vertx;
    this.tokens = tokens;
    this.enabled = enabled;
    this.persistence = new BusClient(vertx, busTimeout);
    this.resyncMillis = resyncMillis;
    this.notBefore = vertx.sharedData().getLocalMap("learngrid.revocations.users");
    this.denied = vertx.sharedData().getLocalMap("learngrid.revocations.jtis");
  }

  /**
   * Subscribes, then loads what is in force. A failed load (the persistence role unreachable) does
   * not stop the node: it keeps what it hears over the bus and retries on the resync timer.
   */
  public Future<Void> start() {
    Future<Void> subscribed = vertx.eventBus().<JsonObject>consumer(Revocation.ADDRESS, message -> {
      try {
        apply(BusJson.fromJson(message.body(), Revocation.class));
      } catch (RuntimeException e) {
        LOG.warn("ignored a malformed revocation: " + e.getMessage());
      }
    }).completion();
    vertx.setPeriodic(resyncMillis, id -> load().onComplete(done -> prune()));
    return subscribed.compose(v -> load());
  }

  private Future<Void> load() {
    return persistence.request(ListRevocations.ENDPOINT, new ListRevocations(tokens.accessTokenSeconds()))
        .map(list -> {
          list.items().forEach(this::apply);
          if (!loaded) {
            loaded = true;
            LOG.info("token revocations loaded: " + list.items().size() + " in force");
          }
          return (Void) null;
        })
        .recover(failure -> {
          LOG.warn("token revocations not loaded (retried in " + resyncMillis + " ms; revocations published "
              + "meanwhile are enforced): " + failure.getMessage());
          return Future.succeededFuture();
        });
  }

  /** Applies {@code revocation} here, then tells every other http node. */
  public void record(Revocation revocation) {
    apply(revocation);
    vertx.eventBus().publish(Revocation.ADDRESS, revocation.toJson());
  }

  /** For {@code future.andThen(revocations::recordIfDone)}: records the revocation a store replied. */
  public void recordIfDone(io.vertx.core.AsyncResult<Revocation> result) {
    if (result.succeeded() && result.result() != null) {
      record(result.result());
    }
  }

  void apply(Revocation revocation) {
    long before = millis(revocation.notBefore());
    if (revocation.userId() != null && before > 0) {
      notBefore.merge(revocation.userId(), before, Math::max);
    }
    long expires = millis(revocation.expiresAt());
    if (revocation.jti() != null && expires > 0) {
      denied.merge(revocation.jti(), expires, Math::max);
    }
  }

  /** The route handler after the claims check: a revoked token gets the same 401 as a bad one. */
  public void check(RoutingContext ctx) {
    if (!enabled) {
      ctx.next();
      return;
    }
    if (revoked(Tokens.claims(ctx.user()))) {
      ctx.fail(401);
      return;
    }
    ctx.next();
  }

  boolean revoked(JsonObject claims) {
    Long before = notBefore.get(claims.getString("sub"));
    if (before != null && Tokens.issuedAtMillis(claims) < before) {
      return true;
    }
    return denied.containsKey(claims.getString("jti"));
  }

  boolean enabled() {
    return enabled;
  }

  /** Whether the tokens of {@code userId} issued at {@code issuedAtMillis} are refused (an API key made then). */
  boolean revokedSince(String userId, long issuedAtMillis) {
    if (!enabled) {
      return false;
    }
    Long before = notBefore.get(userId);
    return before != null && issuedAtMillis < before;
  }

  private void prune() {
    long now = System.currentTimeMillis();
    long oldest = now - tokens.accessTokenSeconds() * 1000L - 60_000;
    for (var entry : notBefore.entrySet()) {
      if (entry.getValue() < oldest) {
        notBefore.removeIfPresent(entry.getKey(), entry.getValue());
      }
    }
    for (var entry : denied.entrySet()) {
      if (entry.getValue() < now) {
        denied.removeIfPresent(entry.getKey(), entry.getValue());
      }
    }
  }

  private static long millis(String timestamp) {
    if (timestamp == null) {
      return -1;
    }
    try {
      return Instant.parse(timestamp).toEpochMilli();
    } catch (DateTimeParseException e) {
      return -1;
    }
  }
}
