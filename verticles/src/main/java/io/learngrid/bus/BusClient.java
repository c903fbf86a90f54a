package io.learngrid.bus;

import io.learngrid.bus.answers.SubmitAnswer;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * What a verticle uses to call other roles: its Vert.x instance and the deadline of its requests,
 * held once, so a call reads {@code persistence.request(SubmitAnswer.ENDPOINT, submission)}.
 */
public final class BusClient {

  private final Vertx vertx;
  private final long timeoutMillis;

  public BusClient(Vertx vertx, long timeoutMillis) {
    this.vertx = vertx;
    this.timeoutMillis = timeoutMillis;
  }

  /** Sends {@code body} to the endpoint's address (local first, see {@link Bus#request}); the reply, typed. */
  public <Q extends BusMessage, R extends BusMessage> Future<R> request(Endpoint<Q, R> endpoint, Q body) {
    return Bus.request(vertx, endpoint.address(), body, timeoutMillis, endpoint.reply());
  }

  /** The same client with another deadline, for the few calls that may take longer or must fail sooner. */
  public BusClient withTimeout(long otherTimeoutMillis) {
    return new BusClient(vertx, otherTimeoutMillis);
  }

  public long timeoutMillis() {
    return timeoutMillis;
  }
}
