package io.learngrid.bus;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * The message of a failed request, as it travels. A {@link ReplyException} crosses the cluster as a
 * failure code (a {@link BusError}) and one string only, so the string is this record as a small JSON
 * object, {@code {"detail": "...", "retryAfterSeconds": N}} ({@code retryAfterSeconds} only when the
 * caller should come back later): a worker in another language writes and reads it with any JSON
 * library, and nothing is parsed back out of prose. A message that is not such an object (a peer that
 * sends plain text, Vert.x's own failures) is read as the detail, with no wait.
 *
 * @param detail what went wrong, safe to show a client
 * @param retryAfterSeconds when to try again (at least 1), or null
 */
public record BusFailure(String detail, Integer retryAfterSeconds) {

  private static final String DETAIL = "detail";
  private static final String RETRY_AFTER_SECONDS = "retryAfterSeconds";

  /** The wire form: the message a {@link ReplyException} carries. */
  public String encode() {
    JsonObject json = new JsonObject().put(DETAIL, detail);
    if (retryAfterSeconds != null) {
      json.put(RETRY_AFTER_SECONDS, retryAfterSeconds);
    }
    return json.encode();
  }

  /** What a failed request's message says: the JSON object above, else the whole message as the detail. */
  public static BusFailure decode(String message) {
    if (message == null || message.isEmpty() || message.charAt(0) != '{') {
      return new BusFailure(message, null);
    }
    JsonObject json;
    try {
      json = new JsonObject(message);
    } catch (DecodeException e) {
      return new BusFailure(message, null);
    }
    if (!(json.getValue(DETAIL) instanceof String detail)) {
      return new BusFailure(message, null);
    }
    Integer retryAfter = json.getValue(RETRY_AFTER_SECONDS) instanceof Number seconds && seconds.longValue() > 0
        ? (int) Math.min(Integer.MAX_VALUE, seconds.longValue())
        : null;
    return new BusFailure(detail, retryAfter);
  }

  /** The failure a request failed with; the http role's failure handler reads bus failures through this. */
  public static BusFailure of(ReplyException failure) {
    return decode(failure.getMessage());
  }

  /**
   * The detail as clients (problem+json {@code detail}) and AI job errors have always shown it: when
   * a wait is given, followed by {@code (retry after N s)}.
   */
  public String shownDetail() {
    return retryAfterSeconds == null ? detail : detail + " (retry after " + retryAfterSeconds + " s)";
  }
}
