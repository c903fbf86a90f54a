package io.learngrid.bus;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * Typed failures on the event bus. A consumer fails a message with {@code failureCode} = the
 * code below and a {@link BusFailure} message (a detail that is safe to show a client, and when to
 * retry); the HTTP role maps the code to a problem+json status. Any other code is treated as
 * {@link #INTERNAL}.
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

  /** A failure whose message is {@link BusFailure}'s JSON object with {@code detail}, safe to show a client. */
  public ReplyException exception(String detail) {
    return exception(new BusFailure(detail, null));
  }

  /**
   * A failure that tells the client when to come back: {@link BusFailure#retryAfterSeconds()}, which
   * the http role turns into {@code Retry-After: N} (at least 1).
   */
  public ReplyException exception(String detail, long retryAfterSeconds) {
    return exception(new BusFailure(detail, (int) Math.min(Integer.MAX_VALUE, Math.max(1, retryAfterSeconds))));
  }

  private ReplyException exception(BusFailure failure) {
    return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, code, failure.encode());
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
