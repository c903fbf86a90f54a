package io.learngrid.persistence;

import io.learngrid.bus.BusError;
import io.learngrid.bus.Done;
import io.learngrid.bus.apikeys.ActiveApiKey;
import io.learngrid.bus.apikeys.ActiveApiKeys;
import io.learngrid.bus.apikeys.ApiKey;
import io.learngrid.bus.apikeys.ApiKeyList;
import io.learngrid.bus.apikeys.CreateApiKey;
import io.learngrid.bus.apikeys.DeleteApiKey;
import io.learngrid.bus.apikeys.ListApiKeys;
import io.learngrid.bus.apikeys.LoadApiKeys;
import io.learngrid.bus.apikeys.TouchApiKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * The api_keys table. Keys are checked on the http nodes from memory (http/auth/ApiKeys), which
 * load them from here at start and every half minute; this store writes what changes and the
 * coalesced last-used times.
 */
final class ApiKeyStore {

  private static final String COLUMNS = "id, user_id, name, daily_tokens, models, created_at, last_used_at";
  /** The cap is part of the insert, so two concurrent creates cannot both slip under it. */
  private static final String INSERT = """
      INSERT INTO api_keys (id, user_id, name, key_hash, daily_tokens, models)
      SELECT $1, $2, $3, $4, $5, $6
      WHERE (SELECT count(*) FROM api_keys WHERE user_id = $2 AND revoked_at IS NULL) < $7
      RETURNING\s""" + COLUMNS;
  private static final String LIST = "SELECT " + COLUMNS
      + " FROM api_keys WHERE user_id = $1 AND revoked_at IS NULL ORDER BY created_at, id";
  private static final String DELETE =
      "UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL";
  /**
   * Keys of disabled or erased accounts are not loaded, nor keys made before the owner's tokens were
   * last revoked (a password change): a resync drops them, after the http nodes' revocations, which
   * refuse them at once, have forgotten the revocation.
   */
  private static final String LOAD = """
      SELECT k.id, k.user_id, u.role, k.key_hash, k.daily_tokens, k.models, k.created_at
      FROM api_keys k JOIN users u ON u.id = k.user_id
      WHERE k.revoked_at IS NULL AND u.status = 'active' AND u.erased_at IS NULL
        AND (u.tokens_valid_after IS NULL OR k.created_at >= u.tokens_valid_after)""";
  /** One statement per batch; GREATEST so that a late batch never moves a time back. */
  private static final String TOUCH = """
      UPDATE api_keys k SET last_used_at = GREATEST(k.last_used_at, u.at)
      FROM unnest($1::uuid[], $2::timestamptz[]) AS u(id, at) WHERE k.id = u.id""";
  private static final int MAX_TOUCHES = 10_000;

  private final Pool pool;

  ApiKeyStore(Pool pool) {
    this.pool = pool;
  }

  Future<Void> serve(Vertx vertx) {
    return Future.all(
        Rows.serve(vertx, CreateApiKey.ENDPOINT, this::create),
        Rows.serve(vertx, ListApiKeys.ENDPOINT, this::list),
        Rows.serve(vertx, DeleteApiKey.ENDPOINT, this::delete),
        Rows.serve(vertx, LoadApiKeys.ENDPOINT, this::load),
        Rows.serve(vertx, TouchApiKeys.ENDPOINT, this::touch)).mapEmpty();
  }

  Future<ApiKey> create(CreateApiKey request) {
    byte[] hash;
    try {
      hash = HexFormat.of().parseHex(request.keyHash());
    } catch (IllegalArgumentException | NullPointerException e) {
      return Future.failedFuture(BusError.BAD_REQUEST.exception("keyHash must be hex"));
    }
    String[] models = request.models() == null ? null : request.models().toArray(String[]::new);
    return pool.preparedQuery(INSERT)
        .execute(Tuple.from(new Object[] {Rows.id(request.id(), "key"), Rows.id(request.userId(), "user"),
            request.name(), io.vertx.core.buffer.Buffer.buffer(hash), request.dailyTokens(), models,
            CreateApiKey.MAX_PER_USER}))
        .compose(rows -> rows.size() == 0
            ? Future.failedFuture(BusError.CONFLICT.exception("an account may have at most "
                + CreateApiKey.MAX_PER_USER + " API keys; delete one first"))
            : Future.succeededFuture(key(rows.iterator().next())));
  }

  Future<ApiKeyList> list(ListApiKeys request) {
    return pool.preparedQuery(LIST).execute(Tuple.of(Rows.id(request.userId(), "user"))).map(rows -> {
      List<ApiKey> items = new ArrayList<>(rows.size());
      rows.forEach(row -> items.add(key(row)));
      return new ApiKeyList(items);
    });
  }

  Future<Done> delete(DeleteApiKey request) {
    return pool.preparedQuery(DELETE)
        .execute(Tuple.of(Rows.id(request.keyId(), "API key"), Rows.id(request.userId(), "API key")))
        .compose(rows -> rows.rowCount() == 0
            ? Future.failedFuture(BusError.NOT_FOUND.exception("API key not found"))
            : Future.succeededFuture(Done.INSTANCE));
  }

  Future<ActiveApiKeys> load(LoadApiKeys request) {
    return pool.query(LOAD).execute().map(rows -> {
      List<ActiveApiKey> items = new ArrayList<>(rows.size());
      HexFormat hex = HexFormat.of();
      rows.forEach(row -> items.add(new ActiveApiKey(row.getUUID("id").toString(), row.getUUID("user_id").toString(),
          row.getString("role"), hex.formatHex(row.getBuffer("key_hash").getBytes()), row.getLong("daily_tokens"),
          models(row), row.getOffsetDateTime("created_at").toInstant().toEpochMilli())));
      return new ActiveApiKeys(items);
    });
  }

  Future<Done> touch(TouchApiKeys request) {
    if (request.uses() == null || request.uses().isEmpty()) {
      return Future.succeededFuture(Done.INSTANCE);
    }
    List<UUID> ids = new ArrayList<>();
    List<OffsetDateTime> times = new ArrayList<>();
    for (TouchApiKeys.Use use : request.uses().subList(0, Math.min(MAX_TOUCHES, request.uses().size()))) {
      UUID id = io.learngrid.bus.Uuids.parse(use.keyId());
      if (id != null) {
        ids.add(id);
        times.add(OffsetDateTime.ofInstant(Instant.ofEpochMilli(use.usedAtMillis()), ZoneOffset.UTC));
      }
    }
    return pool.preparedQuery(TOUCH)
        .execute(Tuple.of((Object) ids.toArray(UUID[]::new), (Object) times.toArray(OffsetDateTime[]::new)))
        .map(done -> Done.INSTANCE);
  }

  private static ApiKey key(Row row) {
    return new ApiKey(row.getUUID("id").toString(), row.getUUID("user_id").toString(), row.getString("name"),
        row.getLong("daily_tokens"), models(row), Rows.timestamp(row, "created_at"), Rows.timestamp(row, "last_used_at"));
  }

  private static List<String> models(Row row) {
    String[] models = row.getArrayOfStrings("models");
    return models == null ? null : Arrays.asList(models);
  }
}
