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

  public static BusError of(int code) {
    for (BusError error : values()) {
      if (error.code == code) {
        return error;
      }
    }
    return INTERNAL;
  }
}
