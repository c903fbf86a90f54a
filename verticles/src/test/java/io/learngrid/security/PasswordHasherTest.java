package io.learngrid.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.bus.BusError;
import io.learngrid.bus.BusFailure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Password hashing in a login storm: a bounded queue and a bounded wait, answered with 503")
class PasswordHasherTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("past the queue bound a hash is refused at once, and one that waited past the deadline is not computed")
  void stormIsRefusedNotQueued() throws Exception {
    // One thread, cost 13 (hundreds of milliseconds a hash): everything after the first waits.
    PasswordHasher hasher = new PasswordHasher(vertx, 13, 1, 3, 50);
    // Once the dummy hash of unknown emails exists (made at construction), the one thread is idle.
    assertThat(hasher.verify("unknown", null).await(60, TimeUnit.SECONDS)).isFalse();
    List<Future<String>> storm = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      storm.add(hasher.hash("password-" + i));
    }
    // Three may wait (the first may already run): the fifth, and the fourth when nothing ran yet, are
    // refused without waiting.
    assertThat(storm.get(4).failed()).as("refused at once").isTrue();
    assertUnavailable(storm.get(4));

    assertThat(storm.get(0).await(60, TimeUnit.SECONDS)).startsWith("$2a$13$");
    for (Future<String> late : storm.subList(1, 4)) {
      late.transform(done -> Future.succeededFuture()).await(60, TimeUnit.SECONDS);
      assertThat(late.failed()).as("waited longer than 50 ms for the one thread").isTrue();
      assertUnavailable(late);
    }
    // The storm is over: the next one is hashed.
    assertThat(hasher.verify("again", hasher.hash("again").await(60, TimeUnit.SECONDS))
        .await(60, TimeUnit.SECONDS)).isTrue();
  }

  private static void assertUnavailable(Future<?> future) {
    assertThat(future.cause()).isInstanceOfSatisfying(ReplyException.class, e -> {
      assertThat(e.failureCode()).isEqualTo(BusError.UNAVAILABLE.code());
      assertThat(BusFailure.of(e).retryAfterSeconds()).isEqualTo(2);
    });
  }
}
