package io.learngrid.persistence;

import io.learngrid.bus.BusError;
import io.learngrid.bus.Done;
import io.learngrid.bus.webhooks.CreateWebhook;
import io.learngrid.bus.webhooks.DeleteWebhook;
import io.learngrid.bus.webhooks.ListWebhooks;
import io.learngrid.bus.webhooks.Webhook;
import io.learngrid.bus.webhooks.WebhookList;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/** Webhook subscriptions (admins): create with a fresh secret, list without it, delete. */
final class WebhookStore {

  /** Each webhook costs a job per event it takes: a bound on what one statement fans out to. */
  static final int MAX_WEBHOOKS = 100;
  private static final SecureRandom RANDOM = new SecureRandom();

  // The count and the insert in one statement; two admins creating the 100th at once may both pass.
  private static final String INSERT = """
      INSERT INTO webhooks (id, url, events, secret, created_by)
      SELECT $1, $2, $3, $4, $5 WHERE (SELECT count(*) FROM webhooks) < $6
      RETURNING id, url, events, secret, created_at, disabled_at, disabled_reason""";
  private static final String LIST = """
      SELECT id, url, events, NULL AS secret, created_at, disabled_at, disabled_reason FROM webhooks ORDER BY id""";
  private static final String DELETE = "DELETE FROM webhooks WHERE id = $1";

  private final Pool pool;

  WebhookStore(Pool pool) {
    this.pool = pool;
  }

  Future<Void> serve(Vertx vertx) {
    return Future.all(
        Rows.serve(vertx, CreateWebhook.ENDPOINT, this::create),
        Rows.serve(vertx, ListWebhooks.ENDPOINT, this::list),
        Rows.serve(vertx, DeleteWebhook.ENDPOINT, this::delete)).mapEmpty();
  }

  Future<Webhook> create(CreateWebhook request) {
    if (request.url() == null || request.events() == null || request.events().isEmpty()) {
      return Future.failedFuture(BusError.BAD_REQUEST.exception("url and events are required"));
    }
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    return pool.preparedQuery(INSERT)
        .execute(Tuple.of(TimeOrderedIds.next(), request.url(), request.events().toArray(String[]::new),
            "whsec_" + HexFormat.of().formatHex(secret), Rows.id(request.userId(), "user"), MAX_WEBHOOKS))
        .compose(rows -> rows.size() == 0
            ? Future.failedFuture(BusError.CONFLICT.exception("there are " + MAX_WEBHOOKS
                + " webhooks already; delete one first"))
            : Future.succeededFuture(webhook(rows.iterator().next())));
  }

  Future<WebhookList> list(ListWebhooks request) {
    return pool.query(LIST).execute().map(rows -> {
      List<Webhook> items = new ArrayList<>(rows.size());
      rows.forEach(row -> items.add(webhook(row)));
      return new WebhookList(items);
    });
  }

  Future<Done> delete(DeleteWebhook request) {
    UUID id = Rows.id(request.webhookId(), "webhook");
    return pool.preparedQuery(DELETE).execute(Tuple.of(id)).compose(rows -> rows.rowCount() == 0
        ? Future.failedFuture(BusError.NOT_FOUND.exception("webhook not found"))
        : Future.succeededFuture(Done.INSTANCE));
  }

  private static Webhook webhook(Row row) {
    String disabledAt = Rows.timestamp(row, "disabled_at");
    return new Webhook(row.getUUID("id").toString(), row.getString("url"),
        Arrays.asList(row.getArrayOfStrings("events")), row.getString("secret"), Rows.timestamp(row, "created_at"),
        disabledAt == null ? "active" : "disabled", disabledAt, row.getString("disabled_reason"));
  }
}
