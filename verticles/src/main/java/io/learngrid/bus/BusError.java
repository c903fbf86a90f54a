package io.learngrid.bus;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * Typed failures on the event bus. A consumer fails a message with {@code failureCode} = the
 * code below and a message that is safe to show a client; the HTTP role maps the code to a
 * problem+json status. Any other code is treated as {@link #INTERNAL}.
 */
public enum BusError {
  BAD_REQUEST(400),
  UNAUTHORIZED(401),
  FORBIDDEN(403),
  NOT_FOUND(404),
  CONFLICT(409),
  UNPROCESSABLE(422),
  TOO_MANY_REQUESTS(429),
  INTERNAL(500),
  UNAVAILABLE(503);

  private final int code;

  BusError(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  public ReplyException exception(String detail) {
    return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, code, detail);
  }

  /**
   * A failure that tells the client when to come back: the detail ends with
   * {@code (retry after N s)}, which the http role turns into {@code Retry-After: N}. Text, because a
   * {@link ReplyException} crosses the cluster as a code and a message only.
   */
  public ReplyException exception(String detail, long retryAfterSeconds) {
    return exception(detail + " (retry after " + Math.max(1, retryAfterSeconds) + " s)");
  }

  private static final java.util.regex.Pattern RETRY_AFTER = java.util.regex.Pattern.compile(
      "\\(retry after (\\d{1,9}) s\\)$");

  /** The seconds of {@link #exception(String, long)}'s suffix, or null. */
  public static Integer retryAfterSeconds(String detail) {
    if (detail == null) {
      return null;
    }
    var matcher = RETRY_AFTER.matcher(detail);
    return matcher.find() ? Integer.valueOf(matcher.group(1)) : null;
  }

  public static BusError of(int code) {
    for (BusError error : values()) {
      if (error.code == code) {
        return error;
      }
    }
    return INTERNAL;
  }
}
