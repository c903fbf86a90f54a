package io.learngrid.http.auth;

import io.learngrid.bus.BusClient;
import io.learngrid.bus.BusJson;
import io.learngrid.bus.apikeys.ActiveApiKey;
import io.learngrid.bus.apikeys.ApiKeyChange;
import io.learngrid.bus.apikeys.LoadApiKeys;
import io.learngrid.bus.apikeys.TouchApiKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * API keys as the http role checks them: from memory, with no round trip on the request path. The
 * same design as {@link Revocations}: a node-local map shared by the node's http verticles (SHA-256
 * of the key → the key's owner, role, budget and allow-list), loaded from the persistence role at
 * start and every {@code resyncMillis}; a key created or deleted on one node is applied there before
 * the reply and published on {@link ApiKeyChange#ADDRESS}, so every node accepts or refuses it
 * within the cluster's delivery time. A resync never brings back a key deleted meanwhile (deleted
 * ids are remembered for a day) and never drops one heard of after the load began.
 *
 * <p>Keys are {@code lg_} and 43 characters of base64url: 256 random bits. Only their SHA-256 is
 * stored anywhere; a fast hash is enough for a secret that cannot be guessed. Last-used times are
 * coalesced here (one entry per key) and written every {@value #TOUCH_MILLIS} ms in one batch.
 */
public final class ApiKeys {

  private static final Logger LOG = LoggerFactory.getLogger(ApiKeys.class);
  public static final String PREFIX = "lg_";
  static final long TOUCH_MILLIS = 5_000;
  private static final long FORGET_DELETED_MILLIS = 24 * 3_600_000L;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** One live key in memory; {@code heardAtMillis}: when this node learnt of it (a resync keeps newer ones). */
  public record Key(String id, String userId, String role, Long dailyTokens, Set<String> models, long createdAtMillis,
             long heardAtMillis) implements Shareable {

    /** Whether the key may ask for {@code model} (no allow-list: any). */
    public boolean allows(String model) {
      return models == null || models.contains(model);
    }
  }

  private final Vertx vertx;
  private final BusClient persistence;
  private final long resyncMillis;
  private final LocalMap<String, Key> byHash;
  private final LocalMap<String, Long> deleted;
  private final Map<String, Long> used = new HashMap<>();

  public ApiKeys(Vertx vertx, long busTimeout, long resyncMillis) {
    this.vertx = vertx;
    this.persistence = new BusClient(vertx, busTimeout);
    this.resyncMillis = resyncMillis;
    this.byHash = vertx.sharedData().getLocalMap("learngrid.api-keys");
    this.deleted = vertx.sharedData().getLocalMap("learngrid.api-keys.deleted");
  }

  /** Subscribes, then loads; a failed load (persistence away) is retried on the resync timer. */
  public Future<Void> start() {
    Future<Void> subscribed = vertx.eventBus().<JsonObject>consumer(ApiKeyChange.ADDRESS, message -> {
      try {
        apply(BusJson.fromJson(message.body(), ApiKeyChange.class));
      } catch (RuntimeException e) {
        LOG.warn("ignored a malformed API key change: " + e.getMessage());
      }
    }).completion();
    vertx.setPeriodic(resyncMillis, id -> load());
    vertx.setPeriodic(TOUCH_MILLIS, id -> flushUses());
    return subscribed.compose(v -> load());
  }

  private Future<Void> load() {
    long started = System.currentTimeMillis();
    return persistence.request(LoadApiKeys.ENDPOINT, new LoadApiKeys())
        .map(list -> {
          Map<String, Key> fresh = new HashMap<>();
          for (ActiveApiKey key : list.items()) {
            if (!deleted.containsKey(key.id())) {
              fresh.put(key.keyHash(), key(key, started));
            }
          }
          for (var entry : byHash.entrySet()) {
            if (!fresh.containsKey(entry.getKey()) && entry.getValue().heardAtMillis() < started) {
              byHash.removeIfPresent(entry.getKey(), entry.getValue());
            }
          }
          fresh.forEach((hash, key) -> {
            Key known = byHash.get(hash);
            if (known == null || known.heardAtMillis() < started) {
              byHash.put(hash, key);
            }
          });
          long forget = started - FORGET_DELETED_MILLIS;
          deleted.entrySet().stream().filter(e -> e.getValue() < forget).toList()
              .forEach(e -> deleted.removeIfPresent(e.getKey(), e.getValue()));
          return (Void) null;
        })
        .recover(failure -> {
          LOG.warn("API keys not loaded (retried in " + resyncMillis + " ms; keys created or deleted meanwhile "
              + "are applied as they are published): " + failure.getMessage());
          return Future.succeededFuture();
        });
  }

  /** Applies {@code change} here, then tells every other http node. */
  void record(ApiKeyChange change) {
    apply(change);
    vertx.eventBus().publish(ApiKeyChange.ADDRESS, change.toJson());
  }

  private void apply(ApiKeyChange change) {
    long now = System.currentTimeMillis();
    if (change.created() != null && !deleted.containsKey(change.created().id())) {
      byHash.put(change.created().keyHash(), key(change.created(), now));
    }
    if (change.revokedId() != null) {
      deleted.put(change.revokedId(), now);
      for (var entry : byHash.entrySet()) {
        if (entry.getValue().id().equals(change.revokedId())) {
          byHash.removeIfPresent(entry.getKey(), entry.getValue());
        }
      }
    }
  }

  /** The live key {@code secret} is, or null; notes its use for the next last-used write. */
  Key find(String secret) {
    Key key = byHash.get(hash(secret));
    if (key != null) {
      used.put(key.id(), System.currentTimeMillis());
    }
    return key;
  }

  private void flushUses() {
    if (used.isEmpty()) {
      return;
    }
    List<TouchApiKeys.Use> uses = new ArrayList<>(used.size());
    used.forEach((id, at) -> uses.add(new TouchApiKeys.Use(id, at)));
    used.clear();
    persistence.request(TouchApiKeys.ENDPOINT, new TouchApiKeys(uses))
        .onFailure(failure -> LOG.debug("API key last-used times not written: " + failure.getMessage()));
  }

  /** A new key: {@code lg_} and 256 random bits in base64url. */
  static String newSecret() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Hex SHA-256 of a key: what is stored and looked up. */
  static String hash(String secret) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static Key key(ActiveApiKey key, long heardAt) {
    Set<String> models = key.models() == null ? null : key.models().stream().collect(Collectors.toUnmodifiableSet());
    return new Key(key.id(), key.userId(), key.role(), key.dailyTokens(), models, key.createdAtMillis(), heardAt);
  }
}
