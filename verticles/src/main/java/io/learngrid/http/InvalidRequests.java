package io.learngrid.http;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * Requests HTTP/1.1's decoder could not read, before any route sees them: a request line over
 * LEARNGRID_HTTP_MAX_URL_LENGTH is a 414, headers over LEARNGRID_HTTP_MAX_HEADER_BYTES a 431,
 * anything else malformed a 400, each as problem+json (Vert.x's own answer has no body). The
 * server closes the connection after the reply: the rest of the stream cannot be trusted.
 */
final class InvalidRequests implements Handler<HttpServerRequest> {

  private final int maxUrlLength;
  private final int maxHeaderBytes;

  InvalidRequests(int maxUrlLength, int maxHeaderBytes) {
    this.maxUrlLength = maxUrlLength;
    this.maxHeaderBytes = maxHeaderBytes;
  }

  @Override
  public void handle(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    ProblemException problem;
    if (cause instanceof TooLongHttpLineException) {
      problem = new ProblemException(414, "the request line is longer than " + maxUrlLength + " bytes");
    } else if (cause instanceof TooLongHttpHeaderException) {
      problem = new ProblemException(431, "the request's headers are larger than " + maxHeaderBytes + " bytes");
    } else {
      problem = new ProblemException(400, "the request is not valid HTTP/1.1");
    }
    request.response().setStatusCode(problem.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, FailureHandler.PROBLEM_JSON)
        .putHeader(HttpHeaders.CONNECTION, "close")
        // The path may be what was too long or malformed: no instance.
        .end(problem.toJson(null).toBuffer());
  }
}
