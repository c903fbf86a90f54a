package io.learngrid.http;

import io.learngrid.bus.Created;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Writes a JSON reply when a future succeeds and hands any failure to {@link FailureHandler}. */
public final class Replies {

  private static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");

  private Replies() {}

  public static void json(RoutingContext ctx, int status, Future<JsonObject> reply) {
    raw(ctx, status, reply.map(JsonObject::toBuffer));
  }

  /** 204 when {@code done} succeeds. */
  public static void noContent(RoutingContext ctx, Future<?> done) {
    done.onComplete(ok -> ctx.response().setStatusCode(204).end(), ctx::fail);
  }

  /**
   * The reply of a creating request, with the status the store chose. A response replayed for an
   * Idempotency-Key is the first one again, marked with {@code Idempotent-Replayed: true}.
   */
  public static void created(RoutingContext ctx, Future<Created> reply) {
    reply.onComplete(created -> {
          if (created.replayed()) {
            ctx.response().putHeader("Idempotent-Replayed", "true");
          }
          ctx.response()
              .setStatusCode(created.status())
              .putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON)
              .end(created.body().toBuffer());
        },
        ctx::fail);
  }

  /** A reply that is already JSON text (a cache entry). */
  public static void raw(RoutingContext ctx, int status, Future<Buffer> reply) {
    reply.onComplete(body -> ctx.response()
            .setStatusCode(status)
            .putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON)
            .end(body),
        ctx::fail);
  }
}
