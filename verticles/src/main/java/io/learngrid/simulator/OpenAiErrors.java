package io.learngrid.simulator;

import io.vertx.core.json.JsonObject;

/** Error bodies in OpenAI's shape, so clients exercise the same error parsing as against the hosted API. */
final class OpenAiErrors {

  static final String INVALID_REQUEST = "invalid_request_error";

  private OpenAiErrors() {
  }

  /** {@code {"error":{"message","type","param","code"}}}; param and code may be null, and are then sent as JSON null. */
  static JsonObject body(String message, String type, String param, String code) {
    return new JsonObject().put("error", new JsonObject()
        .put("message", message)
        .put("type", type)
        .put("param", param)
        .put("code", code));
  }

  static JsonObject invalidRequest(String message, String param) {
    return body(message, INVALID_REQUEST, param, null);
  }

  static JsonObject rateLimited() {
    return body("Rate limit reached for requests (simulated). Please retry after 1 second.",
        "requests", null, "rate_limit_exceeded");
  }

  static JsonObject serverError() {
    return body("The server had an error while processing your request. Sorry about that! (simulated)",
        "server_error", null, null);
  }
}
