package io.learngrid.bus;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Request/reply over the event bus with JSON bodies and {@link BusError} failures. */
public final class Bus {

  private static final Logger LOG = LoggerFactory.getLogger(Bus.class);
  private static final String INTERNAL_ERROR = new BusFailure("internal error", null).encode();

  private Bus() {}

  /**
   * Serves {@code endpoint}: the handler's result is the reply; a {@link ReplyException} it fails
   * with travels as is, anything else as {@link BusError#INTERNAL} with no internals exposed. The
   * request and reply types are the endpoint's, so a handler that returns another reply does not
   * compile. The consumer's {@link MessageConsumer#completion()} completes once it is registered
   * (across the cluster, when clustered): a role's start() waits for it.
   */
  public static <Q extends BusMessage, R extends BusMessage> MessageConsumer<JsonObject> serve(
      Vertx vertx, Endpoint<Q, R> endpoint, Function<Q, Future<R>> handler) {
    return serve(vertx, endpoint.address(), endpoint.request(), handler::apply);
  }

  private static <T> MessageConsumer<JsonObject> serve(Vertx vertx, String address, Class<T> type,
                                                       Function<T, Future<? extends BusMessage>> handler) {
    Served served = Served.of(vertx.getOrCreateContext());
    MessageConsumer<JsonObject> consumer = vertx.eventBus().<JsonObject>consumer(address, message -> {
      T request;
      try {
        request = BusJson.fromJson(message.body(), type);
      } catch (RuntimeException e) {
        message.fail(BusError.BAD_REQUEST.code(),
            new BusFailure("message body is not a " + type.getSimpleName() + " JSON object", null).encode());
        return;
      }
      Future<? extends BusMessage> reply;
      served.inFlight.incrementAndGet();
      try {
        reply = handler.apply(request);
      } catch (RuntimeException e) {
        reply = Future.failedFuture(e);
      }
      reply.onComplete(done -> served.finished());
      reply.onComplete(
          result -> message.reply(result.toJson()),
          failure -> {
            if (failure instanceof ReplyException typed) {
              message.fail(typed.failureCode(), typed.getMessage());
            } else {
              LOG.warn("bus handler failed on " + address + ": " + failure, failure);
              message.fail(BusError.INTERNAL.code(), INTERNAL_ERROR);
            }
          });
    });
    served.consumers.add(consumer);
    return consumer;
  }

  /**
   * For a role verticle's stop(), before it closes its pools: unregisters every address served
   * from the calling verticle's context (the cluster stops routing here; a message already on its
   * way fails fast with NO_HANDLERS, and the sender's node may try another), then waits until the
   * requests being handled have replied, at most {@code timeoutMillis}. Never fails.
   */
  public static Future<Void> drain(Vertx vertx, long timeoutMillis) {
    Context context = vertx.getOrCreateContext();
    Served served = Served.of(context);
    List<Future<Void>> unregistered = new ArrayList<>();
    served.consumers.forEach(consumer -> unregistered.add(consumer.unregister()));
    served.consumers.clear();
    return Future.join(unregistered).transform(done -> {
      if (served.inFlight.get() == 0) {
        return Future.succeededFuture();
      }
      served.idle = Promise.promise();
      if (served.inFlight.get() == 0) {
        served.idle.tryComplete();
      }
      long timer = vertx.setTimer(timeoutMillis, id -> {
        LOG.warn(served.inFlight + " bus requests still unanswered after " + timeoutMillis + " ms of draining");
        served.idle.tryComplete();
      });
      return served.idle.future().onComplete(idle -> vertx.cancelTimer(timer));
    });
  }

  /** The consumers one verticle context serves and how many of their requests are being handled. */
  private static final class Served {
    private final List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();
    // A handler's future may complete on another thread (a client's callback), hence atomic.
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile Promise<Void> idle;

    static Served of(Context context) {
      Served served = context.get(Served.class);
      if (served == null) {
        served = new Served();
        context.put(Served.class, served);
      }
      return served;
    }

    void finished() {
      Promise<Void> waiting = idle;
      if (inFlight.decrementAndGet() == 0 && waiting != null) {
        waiting.tryComplete();
      }
    }
  }

  /**
   * Local first: a role that runs on this node serves the request here (no network hop, and a
   * node that drains stops its http role before the others, so nothing it sends itself is lost).
   * Only when no consumer of {@code address} runs here does the request go to the cluster, where
   * Vert.x picks the serving nodes in turn. A role that runs nowhere fails at once with NO_HANDLERS.
   *
   * <p>The implementation behind {@link BusClient#request}, which is what callers use: it takes the
   * address's {@link Endpoint}, so the reply type is not restated at the call.
   */
  public static <T> Future<T> request(Vertx vertx, String address, BusMessage body, long timeoutMillis,
                                      Class<T> replyType) {
    JsonObject json = body.toJson();
    return vertx.eventBus()
        .<JsonObject>request(address, json, new DeliveryOptions().setSendTimeout(timeoutMillis).setLocalOnly(true))
        .recover(failure -> failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS
            ? vertx.eventBus().request(address, json, new DeliveryOptions().setSendTimeout(timeoutMillis))
            : Future.failedFuture(failure))
        .map(reply -> BusJson.fromJson(reply.body(), replyType));
  }
}
