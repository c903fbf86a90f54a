package io.learngrid.http.ai;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;
import java.util.Locale;

/**
 * {@code X-Learngrid-Overhead-Ms} on every AI reply of both surfaces: the time the gateway added to
 * the upstream's, from the request's arrival at its route table (before authentication, rate limits
 * and the body) to the reply's head, minus the time the ai role waited for upstreams (0 for a cached
 * reply: then all of it is the gateway's). Milliseconds with microsecond precision.
 */
public final class Overhead {

  public static final String HEADER = "X-Learngrid-Overhead-Ms";
  private static final String STARTED = "learngrid.overhead.started";

  /** First on an AI route: notes when the request arrived. */
  public static final PlatformHandler MARK = ctx -> {
    ctx.put(STARTED, System.nanoTime());
    ctx.next();
  };

  private Overhead() {}

  /** Puts the header on {@code ctx}'s response, the upstream having taken {@code upstreamMicros}. */
  static void put(RoutingContext ctx, long upstreamMicros) {
    Long started = ctx.get(STARTED);
    HttpServerResponse response = ctx.response();
    if (started == null || response.headWritten()) {
      return;
    }
    long micros = Math.max(0, (System.nanoTime() - started) / 1_000 - upstreamMicros);
    response.putHeader(HEADER, String.format(Locale.ROOT, "%d.%03d", micros / 1_000, micros % 1_000));
  }

  /** For a failure (problem+json or OpenAI error): nothing reached an upstream that we know of. */
  public static void putOnFailure(RoutingContext ctx) {
    put(ctx, 0);
  }
}
