package io.learngrid.http.ops;

import io.learngrid.dev.DevMail;
import io.learngrid.http.Replies;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /dev/mail}: what the dev node's own SMTP server caught, newest first. Routed only on
 * a dev node that started that server; any other node answers 404, as for any unknown path.
 */
public final class DevMailRoutes {

  private final Vertx vertx;
  private final DevMail mail;

  public DevMailRoutes(Vertx vertx, DevMail mail) {
    this.vertx = vertx;
    this.mail = mail;
  }

  public void list(RoutingContext ctx) {
    // Reading GreenMail's store copies and parses every MIME message: a worker's job, not the event loop's.
    Replies.raw(ctx, 200, vertx.executeBlocking(() -> mail.messages().toBuffer(), false));
  }
}
