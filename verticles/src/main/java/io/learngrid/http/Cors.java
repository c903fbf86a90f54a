package io.learngrid.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;

/**
 * CORS for the origins of {@code LEARNGRID_CORS_ORIGINS}, so that a school's own frontend on
 * another origin can call the API. Tokens travel in the Authorization header, never in cookies, so
 * no credentials are allowed. A request from any other origin is served as it is, only without the
 * headers that would let a browser hand the reply to that origin's script: refusing it instead
 * (Vert.x's CorsHandler answers 403) would also refuse a same-origin POST, which carries Origin too.
 */
public final class Cors implements Handler<RoutingContext> {

  private static final String METHODS = "GET, POST, PATCH, PUT, DELETE";
  private static final String HEADERS = "Authorization, Content-Type, Idempotency-Key, Last-Event-ID, X-Request-Id";
  private static final String EXPOSED = "RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, Retry-After, "
      + "X-Request-Id, Location, Content-Disposition";
  private static final String MAX_AGE_SECONDS = "600";

  private final Set<String> origins;
  private final boolean any;

  public Cors(List<String> origins) {
    this.origins = Set.copyOf(origins);
    this.any = origins.contains("*");
  }

  @Override
  public void handle(RoutingContext ctx) {
    // On every reply, allowed or not: a shared cache must not give one origin's reply to another.
    HttpServerResponse response = ctx.response().putHeader(HttpHeaders.VARY, HttpHeaders.ORIGIN);
    String origin = ctx.request().getHeader(HttpHeaders.ORIGIN);
    if (origin == null || !(any || origins.contains(origin))) {
      ctx.next();
      return;
    }
    response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, any ? "*" : origin);
    String preflight = ctx.request().getHeader(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD);
    if (ctx.request().method() == HttpMethod.OPTIONS && preflight != null) {
      response.setStatusCode(204)
          .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, METHODS)
          .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, HEADERS)
          .putHeader(HttpHeaders.ACCESS_CONTROL_MAX_AGE, MAX_AGE_SECONDS)
          .end();
      return;
    }
    response.putHeader(HttpHeaders.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED);
    ctx.next();
  }
}
