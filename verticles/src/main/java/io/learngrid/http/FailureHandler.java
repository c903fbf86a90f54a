package io.learngrid.http;

import io.learngrid.bus.BusError;
import io.learngrid.bus.BusFailure;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become responses: every failed route, unmatched path and wrong
 * method ends here as application/problem+json. Nothing internal (stack traces, SQL, class names)
 * reaches the client; a 500 is logged once with its request id.
 */
final class FailureHandler implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(FailureHandler.class);
  static final String PROBLEM_JSON = "application/problem+json";

  private final int retryAfterSeconds;

  FailureHandler(int retryAfterSeconds) {
    this.retryAfterSeconds = retryAfterSeconds;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (ctx.failure() instanceof io.vertx.core.http.HttpClosedException) {
      // The connection went away before the request was read (the client left, or a deadline of
      // SlowClients closed it): no one to answer, nothing broken.
      LOG.debug("request " + RequestLog.requestId(ctx) + " " + ctx.request().method() + " " + ctx.request().path()
          + ": the connection closed before it was read");
      return;
    }
    ProblemException problem = toProblem(ctx.failure(), ctx.statusCode());
    if (problem.status() >= 500 && problem.status() != 503) {
      // With its stack trace: a 500 is a bug or an outage, and the trace is what tells which.
      RequestLog.withRequestId(RequestLog.requestId(ctx), () -> LOG.warn("request " + RequestLog.requestId(ctx)
          + " " + ctx.request().method() + " " + ctx.request().path() + " failed: " + describe(ctx.failure()),
          ctx.failure()));
    }
    write(ctx, problem);
  }

  static void write(RoutingContext ctx, ProblemException problem) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    io.learngrid.http.ai.Overhead.putOnFailure(ctx);
    ctx.response().setStatusCode(problem.status()).putHeader(HttpHeaders.CONTENT_TYPE, PROBLEM_JSON);
    if (problem.status() == 401 && !ctx.response().headers().contains("WWW-Authenticate")) {
      // RFC 9110 §15.5.2: every 401 names its scheme (the JWT handler sets none on a missing token).
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
    }
    if (problem.retryAfterSeconds() != null) {
      ctx.response().putHeader(HttpHeaders.RETRY_AFTER, problem.retryAfterSeconds().toString());
    }
    ctx.response().end(problem.toJson(ctx.request().path()).toBuffer());
  }

  ProblemException toProblem(Throwable failure, int status) {
    if (failure instanceof ProblemException problem) {
      return problem;
    }
    if (failure instanceof ReplyException reply) {
      return switch (reply.failureType()) {
        case NO_HANDLERS -> ProblemException.unavailable("no node runs the role for this request", retryAfterSeconds);
        case TIMEOUT -> ProblemException.unavailable("a dependency did not answer in time", retryAfterSeconds);
        case RECIPIENT_FAILURE, ERROR -> fromBus(reply);
      };
    }
    if (failure instanceof DecodeException) {
      return new ProblemException(400, "the body is not valid JSON");
    }
    if (failure instanceof HttpException http) {
      return new ProblemException(http.getStatusCode(), detailFor(http.getStatusCode()));
    }
    if (failure == null && status >= 400) {
      return new ProblemException(status, detailFor(status));
    }
    return new ProblemException(500, "an unexpected error occurred");
  }

  private ProblemException fromBus(ReplyException reply) {
    BusError error = BusError.of(reply.failureCode());
    BusFailure told = BusFailure.of(reply);
    return switch (error) {
      case INTERNAL -> new ProblemException(500, "an unexpected error occurred");
      case UNAVAILABLE, TOO_MANY_REQUESTS -> new ProblemException(error.code(), told.shownDetail(), List.of(),
          told.retryAfterSeconds() != null ? told.retryAfterSeconds() : retryAfterSeconds);
      default -> new ProblemException(error.code(), told.shownDetail());
    };
  }

  private static String detailFor(int status) {
    return switch (status) {
      case 400 -> "the request is not valid";
      case 401 -> "a valid bearer token is required";
      case 403 -> "not allowed for this account";
      case 404 -> "no such resource";
      case 405 -> "method not allowed on this resource";
      case 413 -> "the body is larger than this route accepts";
      case 415 -> "unsupported media type";
      default -> Statuses.title(status);
    };
  }

  private static String describe(Throwable failure) {
    if (failure == null) {
      return "no exception";
    }
    StackTraceElement[] trace = failure.getStackTrace();
    return failure.getClass().getName() + ": " + failure.getMessage()
        + (trace.length > 0 ? " at " + trace[0] : "");
  }
}
