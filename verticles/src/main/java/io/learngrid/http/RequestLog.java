package io.learngrid.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Gives every request an id (the caller's {@code X-Request-Id} when it is sane, else a new one),
 * echoes it, and writes one access-log line when the response ends.
 */
final class RequestLog implements Handler<RoutingContext> {

  private static final Logger ACCESS = LoggerFactory.getLogger("learngrid.access");
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

  /**
   * Runs {@code work} with the request id in the logging MDC (key {@code requestId}: the text
   * format shows it after the logger, the json format as a field), then puts back what was there.
   * The MDC is a thread-local and Vert.x 5 does not carry it across asynchronous hops, so only
   * lines logged synchronously inside {@code work} carry the id: the handlers' synchronous part of
   * a request (run inside {@link #handle}), the access-log line and the failure handler's line.
   * Lines logged later, in a callback after a bus reply, do not; a line that must name its
   * request says so in its text, as the failure handler's does.
   */
  static void withRequestId(String id, Runnable work) {
    if (id == null) {
      work.run();
      return;
    }
    String outer = MDC.get(KEY);
    MDC.put(KEY, id);
    try {
      work.run();
    } finally {
      if (outer == null) {
        MDC.remove(KEY);
      } else {
        MDC.put(KEY, outer);
      }
    }
  }

  @Override
  public void handle(RoutingContext ctx) {
    String given = ctx.request().getHeader(HEADER);
    String id = given != null && SAFE_ID.matcher(given).matches() ? given : UUID.randomUUID().toString();
    ctx.put(KEY, id);
    ctx.response().putHeader(HEADER, id);
    if (accessLog) {
      long started = System.nanoTime();
      ctx.addBodyEndHandler(ended -> withRequestId(id, () -> ACCESS.info(ctx.request().method() + " "
          + ctx.request().path() + " " + ctx.response().getStatusCode() + " "
          + (System.nanoTime() - started) / 1_000_000 + "ms id=" + id
          + (ctx.user() != null ? " user=" + ctx.user().subject() : ""))));
    }
    withRequestId(id, ctx::next);
  }
}
