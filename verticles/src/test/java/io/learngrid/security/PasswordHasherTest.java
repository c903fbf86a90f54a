package io.learngrid.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.bus.BusError;
import io.learngrid.bus.BusFailure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.ReplyException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Password hashing in a login storm: a bounded queue and a bounded wait, answered with 503")
class PasswordHasherTest {

  private static final long MAX_WAIT_MILLIS = 50;
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("past the queue bound a hash is refused at once, and one that waited past the deadline is not computed")
  void stormIsRefusedNotQueued() throws Exception {
    PasswordHasher hasher = new PasswordHasher(vertx, 4, 1, 3, MAX_WAIT_MILLIS);
    // Once the dummy hash of unknown emails exists (made at construction), the one thread is idle.
    assertThat(hasher.verify("unknown", null).await(60, TimeUnit.SECONDS)).isFalse();
    // The hashing pool is shared by name: holding its one thread here makes every hash wait.
    WorkerExecutor same = vertx.createSharedWorkerExecutor(PasswordHasher.POOL, 1);
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch running = new CountDownLatch(1);
    Future<Void> holding = same.executeBlocking(() -> {
      running.countDown();
      held.await();
      return null;
    }, false);
    assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();

    List<Future<String>> storm = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      storm.add(hasher.hash("password-" + i));
    }
    for (Future<String> refused : storm.subList(3, 5)) {
      assertThat(refused.failed()).as("past the 3 that may wait: refused at once").isTrue();
      assertUnavailable(refused);
    }
    assertThat(storm.subList(0, 3)).noneMatch(Future::isComplete);

    // Not a synchronisation: the three must wait past their deadline before the thread is free.
    Thread.sleep(2 * MAX_WAIT_MILLIS);
    held.countDown();
    holding.await(30, TimeUnit.SECONDS);
    for (Future<String> late : storm.subList(0, 3)) {
      late.transform(done -> Future.succeededFuture()).await(30, TimeUnit.SECONDS);
      assertThat(late.failed()).as("waited longer than the deadline: not hashed").isTrue();
      assertUnavailable(late);
    }
    // The storm is over: the next one is hashed.
    String hash = hasher.hash("again").await(30, TimeUnit.SECONDS);
    assertThat(hash).startsWith("$2a$04$");
    assertThat(hasher.verify("again", hash).await(30, TimeUnit.SECONDS)).isTrue();
  }

  private static void assertUnavailable(Future<?> future) {
    assertThat(future.cause()).isInstanceOfSatisfying(ReplyException.class, e -> {
      assertThat(e.failureCode()).isEqualTo(BusError.UNAVAILABLE.code());
      assertThat(BusFailure.of(e).retryAfterSeconds()).isEqualTo(2);
    });
  }
}
