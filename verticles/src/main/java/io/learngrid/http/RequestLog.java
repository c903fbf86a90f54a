package io.learngrid.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Gives every request an id (the caller's {@code X-Request-Id} when it is sane, else a new one),
 * echoes it, and writes one access-log line when the response ends.
 */
final class RequestLog implements Handler<RoutingContext> {

  private static final Logger ACCESS = Logger.getLogger("learngrid.access");
  private static final String HEADER = "X-Request-Id";
  private static final String KEY = "requestId";
  // A client-chosen id goes into our logs: accept only short, plain tokens.
  private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private final boolean accessLog;

  RequestLog(boolean accessLog) {
    this.accessLog = accessLog;
  }

  static String requestId(RoutingContext ctx) {
    return ctx.get(KEY);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String given = ctx.request().getHeader(HEADER);
    String id = given != null && SAFE_ID.matcher(given).matches() ? given : UUID.randomUUID().toString();
    ctx.put(KEY, id);
    ctx.response().putHeader(HEADER, id);
    if (accessLog) {
      long started = System.nanoTime();
      ctx.addBodyEndHandler(ended -> ACCESS.info(ctx.request().method() + " " + ctx.request().path() + " "
          + ctx.response().getStatusCode() + " " + (System.nanoTime() - started) / 1_000_000 + "ms id=" + id
          + (ctx.user() != null ? " user=" + ctx.user().subject() : "")));
    }
    ctx.next();
  }
}
