package io.learngrid.http.auth;

import io.learngrid.bus.BusClient;
import io.learngrid.bus.apikeys.ActiveApiKey;
import io.learngrid.bus.apikeys.ApiKey;
import io.learngrid.bus.apikeys.ApiKeyChange;
import io.learngrid.bus.apikeys.CreateApiKey;
import io.learngrid.bus.apikeys.DeleteApiKey;
import io.learngrid.bus.apikeys.ListApiKeys;
import io.learngrid.http.Caller;
import io.learngrid.http.Input;
import io.learngrid.http.Replies;
import io.learngrid.security.UserRole;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * {@code /api/v1/me/api-keys}: a teacher's or an admin's keys for the OpenAI-compatible surface.
 * The key is made here and shown once, in the create reply; only its hash leaves this node. The
 * create does not honour {@code Idempotency-Key}: replaying its reply would mean storing the key.
 */
public final class ApiKeyRoutes {

  private static final Set<UserRole> OWNERS = Set.of(UserRole.TEACHER, UserRole.ADMIN);

  private final BusClient persistence;
  private final ApiKeys keys;

  public ApiKeyRoutes(Vertx vertx, ApiKeys keys, long busTimeout) {
    this.persistence = new BusClient(vertx, busTimeout);
    this.keys = keys;
  }

  public void create(RoutingContext ctx) {
    Caller caller = Caller.of(ctx).requireRole(OWNERS);
    Input input = Input.of(ctx);
    String name = input.text("name");
    Integer daily = input.has("dailyTokens") ? input.integer("dailyTokens") : null;
    Long dailyTokens = daily == null ? null : daily.longValue();
    List<String> models = input.has("models") ? input.strings("models") : null;
    input.validate();
    String secret = ApiKeys.newSecret();
    String hash = ApiKeys.hash(secret);
    String id = UUID.randomUUID().toString();
    List<String> distinct = models == null ? null : List.copyOf(new LinkedHashSet<>(models));
    Replies.json(ctx, 201, persistence.request(CreateApiKey.ENDPOINT,
            new CreateApiKey(id, caller.id(), name.trim(), hash, dailyTokens, distinct))
        .map(created -> {
          keys.record(new ApiKeyChange(new ActiveApiKey(created.id(), caller.id(), caller.role().wire(), hash,
              created.dailyTokens(), created.models(), Instant.parse(created.createdAt()).toEpochMilli()), null));
          return json(created).put("key", secret);
        }));
  }

  public void list(RoutingContext ctx) {
    Caller caller = Caller.of(ctx).requireRole(OWNERS);
    Replies.json(ctx, 200, persistence.request(ListApiKeys.ENDPOINT, new ListApiKeys(caller.id())).map(list -> {
      JsonArray items = new JsonArray();
      list.items().forEach(key -> items.add(json(key)));
      return new JsonObject().put("items", items).put("nextCursor", (String) null);
    }));
  }

  /** The owner's own keys only: anyone else's id is a 404, as for a key that does not exist. */
  public void delete(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    String keyId = io.learngrid.http.Ids.path(ctx, "keyId", "API key");
    Replies.noContent(ctx, persistence.request(DeleteApiKey.ENDPOINT, new DeleteApiKey(caller.id(), keyId))
        .andThen(done -> {
          if (done.succeeded()) {
            keys.record(new ApiKeyChange(null, keyId));
          }
        }));
  }

  private static JsonObject json(ApiKey key) {
    return new JsonObject().put("id", key.id()).put("name", key.name()).put("dailyTokens", key.dailyTokens())
        .put("models", key.models() == null ? null : new JsonArray(List.copyOf(key.models())))
        .put("createdAt", key.createdAt()).put("lastUsedAt", key.lastUsedAt());
  }
}
