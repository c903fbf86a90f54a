package io.learngrid.simulator;

/**
 * A chat request the simulator refuses with 400, carrying the offending parameter the way OpenAI reports it
 * (e.g. {@code messages[0].content}), so client bugs show up in tests exactly as they would upstream.
 */
final class InvalidRequestException extends RuntimeException {

  private final String param;

  InvalidRequestException(String message, String param) {
    super(message, null, false, false); // a validation outcome, not a bug: no stack trace needed
    this.param = param;
  }

  /** The offending parameter, or null when the body as a whole is unusable. */
  String param() {
    return param;
  }
}
