package io.learngrid.bus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Request/reply over the event bus with JSON bodies and {@link BusError} failures. */
public final class Bus {

  private static final Logger LOG = Logger.getLogger(Bus.class.getName());

  private Bus() {}

  /**
   * Serves {@code address}: the handler's result is the reply; a {@link ReplyException} it fails
   * with travels as is, anything else as {@link BusError#INTERNAL} with no internals exposed.
   */
  public static <T> MessageConsumer<JsonObject> serve(Vertx vertx, String address, Class<T> type,
                                                      Function<T, Future<? extends BusMessage>> handler) {
    return vertx.eventBus().<JsonObject>consumer(address, message -> {
      T request;
      try {
        request = BusJson.fromJson(message.body(), type);
      } catch (RuntimeException e) {
        message.fail(BusError.BAD_REQUEST.code(), "message body is not a " + type.getSimpleName() + " JSON object");
        return;
      }
      Future<? extends BusMessage> reply;
      try {
        reply = handler.apply(request);
      } catch (RuntimeException e) {
        reply = Future.failedFuture(e);
      }
      reply.onComplete(
          result -> message.reply(result.toJson()),
          failure -> {
            if (failure instanceof ReplyException typed) {
              message.fail(typed.failureCode(), typed.getMessage());
            } else {
              LOG.log(Level.WARNING, "bus handler failed on " + address + ": " + failure);
              message.fail(BusError.INTERNAL.code(), "internal error");
            }
          });
    });
  }

  public static <T> Future<T> request(Vertx vertx, String address, BusMessage body, long timeoutMillis,
                                      Class<T> replyType) {
    return vertx.eventBus()
        .<JsonObject>request(address, body.toJson(), new DeliveryOptions().setSendTimeout(timeoutMillis))
        .map(reply -> BusJson.fromJson(reply.body(), replyType));
  }
}
