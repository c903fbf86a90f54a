package io.learngrid.bus;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Draining a role verticle's bus addresses")
class BusDrainTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  /** Serves Ping with replies the test releases; stop() drains like the role verticles do. */
  private static final class SlowRole extends VerticleBase {
    final Promise<Pong> release = Promise.promise();
    final CompletableFuture<Void> received = new CompletableFuture<>();
    final long drainMillis;

    SlowRole(long drainMillis) {
      this.drainMillis = drainMillis;
    }

    @Override
    public Future<?> start() {
      Bus.serve(vertx, Ping.PERSISTENCE, ping -> {
        received.complete(null);
        return release.future();
      });
      return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
      return Bus.drain(vertx, drainMillis);
    }
  }

  @Test
  @DisplayName("a request in hand gets its reply; a new one fails at once with NO_HANDLERS")
  void inFlightFinishesNewOnesAreRefused() throws Exception {
    SlowRole role = new SlowRole(60_000);
    String id = vertx.deployVerticle(role).await(10, TimeUnit.SECONDS);
    Future<Pong> inFlight = new BusClient(vertx, 60_000).request(Ping.PERSISTENCE, new Ping());
    role.received.get(10, TimeUnit.SECONDS);

    Future<Void> undeployed = vertx.undeploy(id);
    // The address goes away (the undeploy runs on the verticle's own thread: ask until it has) before
    // the request in hand is answered: a new request fails at once instead of waiting.
    ReplyFailure refused = ReplyFailure.TIMEOUT;
    for (int i = 0; i < 100 && refused != ReplyFailure.NO_HANDLERS; i++) {
      Throwable failure = awaitFailure(new BusClient(vertx, 200).request(Ping.PERSISTENCE, new Ping()));
      assertThat(failure).isInstanceOf(ReplyException.class);
      refused = ((ReplyException) failure).failureType();
    }
    assertThat(refused).isEqualTo(ReplyFailure.NO_HANDLERS);
    assertThat(undeployed.isComplete()).as("stop waits for the request in hand").isFalse();
    assertThat(inFlight.isComplete()).isFalse();

    // ...which still gets its reply, and only then does the verticle stop.
    role.release.complete(Pong.up());
    assertThat(inFlight.await(10, TimeUnit.SECONDS).status()).isEqualTo("UP");
    undeployed.await(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("a request that never finishes holds the stop only for the drain limit")
  void drainIsBounded() throws Exception {
    SlowRole role = new SlowRole(200);
    String id = vertx.deployVerticle(role).await(10, TimeUnit.SECONDS);
    new BusClient(vertx, 60_000).request(Ping.PERSISTENCE, new Ping());
    role.received.get(10, TimeUnit.SECONDS);
    // Completes although the request is never answered (the await would throw after 30 s).
    vertx.undeploy(id).await(30, TimeUnit.SECONDS);
  }

  private static Throwable awaitFailure(Future<?> future) throws Exception {
    CompletableFuture<Throwable> failure = new CompletableFuture<>();
    future.onComplete(done -> failure.complete(done.cause()));
    return failure.get(10, TimeUnit.SECONDS);
  }
}
