package io.learngrid.http;

import io.learngrid.http.ai.Overhead;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The failure handler of the OpenAI-compatible routes ({@code /v1/**}): the same failures as
 * {@link FailureHandler} decides them (statuses, Retry-After), written in OpenAI's shape,
 * {@code {"error": {"message", "type", "param", "code"}}}, so the official SDKs raise their own
 * exceptions (AuthenticationError, RateLimitError, ...) and retry where OpenAI's would. A budget that
 * is used up until midnight also says {@code x-should-retry: false}: the SDKs would otherwise retry
 * a refusal that lasts hours.
 */
final class OpenAiFailures implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(OpenAiFailures.class);
  private static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");

  private final FailureHandler problems;

  OpenAiFailures(FailureHandler problems) {
    this.problems = problems;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (ctx.failure() instanceof io.vertx.core.http.HttpClosedException) {
      return;
    }
    Throwable failure = ctx.failure();
    if (failure instanceof io.vertx.ext.web.handler.HttpException http && http.getCause() instanceof ProblemException told) {
      // The authentication handler wraps the 401 it was given.
      failure = told;
    }
    ProblemException problem = problems.toProblem(failure, ctx.statusCode());
    if (problem.status() >= 500 && problem.status() != 503) {
      LOG.warn("request " + RequestLog.requestId(ctx) + " " + ctx.request().method() + " " + ctx.request().path()
          + " failed", ctx.failure());
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
    String message = problem.getMessage();
    String param = null;
    if (!problem.errors().isEmpty()) {
      param = problem.errors().get(0).field();
      message = message + ": " + problem.errors().stream().map(e -> e.field() + " " + e.message())
          .collect(Collectors.joining("; "));
    }
    boolean budget = problem.status() == 429 && message != null && message.contains("token budget");
    String type = switch (problem.status()) {
      case 429 -> budget ? "insufficient_quota" : "requests";
      case 500, 502, 503 -> "server_error";
      default -> "invalid_request_error";
    };
    String code = switch (problem.status()) {
      case 401 -> "invalid_api_key";
      case 403 -> "permission_denied";
      case 404 -> message != null && message.startsWith("The model") ? "model_not_found" : "not_found";
      case 413 -> "request_too_large";
      case 429 -> budget ? "insufficient_quota" : "rate_limit_exceeded";
      case 503 -> "service_unavailable";
      default -> null;
    };
    Overhead.putOnFailure(ctx);
    ctx.response().setStatusCode(problem.status()).putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON);
    if (problem.retryAfterSeconds() != null) {
      ctx.response().putHeader(HttpHeaders.RETRY_AFTER, problem.retryAfterSeconds().toString());
    }
    if (budget) {
      ctx.response().putHeader("x-should-retry", "false");
    }
    if (problem.status() == 401) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
    }
    JsonObject error = new JsonObject().put("message", message).put("type", type).put("param", param)
        .put("code", code);
    ctx.response().end(new JsonObject().put("error", error).toBuffer());
  }
}
