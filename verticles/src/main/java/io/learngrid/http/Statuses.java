package io.learngrid.http;

import io.netty.handler.codec.http.HttpResponseStatus;

/** Problem titles: the standard reason phrase of each status. */
final class Statuses {

  private Statuses() {}

  static String title(int status) {
    return HttpResponseStatus.valueOf(status).reasonPhrase();
  }
}
