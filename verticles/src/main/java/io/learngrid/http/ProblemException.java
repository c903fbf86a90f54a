package io.learngrid.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A failure that becomes an RFC 9457 problem response. Handlers fail the routing context with
 * one; {@link FailureHandler} writes it.
 */
public final class ProblemException extends RuntimeException {

  /** One entry of {@code errors[]}: which field, and what is wrong with it. */
  public record FieldError(String field, String message) {}

  private final int status;
  private final List<FieldError> errors;
  private final Integer retryAfterSeconds;

  public ProblemException(int status, String detail) {
    this(status, detail, List.of(), null);
  }

  public ProblemException(int status, String detail, List<FieldError> errors, Integer retryAfterSeconds) {
    super(detail, null, false, false);
    this.status = status;
    this.errors = List.copyOf(errors);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public static ProblemException validation(List<FieldError> errors) {
    return new ProblemException(400, "the request is not valid", errors, null);
  }

  public static ProblemException unavailable(String detail, int retryAfterSeconds) {
    return new ProblemException(503, detail, List.of(), retryAfterSeconds);
  }

  public int status() {
    return status;
  }

  public List<FieldError> errors() {
    return errors;
  }

  public Integer retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /** The problem document; {@code type} is a stable URI per status that clients may switch on. */
  public JsonObject toJson(String instance) {
    JsonObject problem = new JsonObject()
        .put("type", "https://learngrid.dev/problems/" + status)
        .put("title", Statuses.title(status))
        .put("status", status)
        .put("detail", getMessage());
    if (instance != null) {
      problem.put("instance", instance);
    }
    if (!errors.isEmpty()) {
      JsonArray list = new JsonArray();
      errors.forEach(error -> list.add(new JsonObject().put("field", error.field()).put("message", error.message())));
      problem.put("errors", list);
    }
    return problem;
  }
}
