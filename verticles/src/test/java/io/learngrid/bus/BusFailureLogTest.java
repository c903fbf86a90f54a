package io.learngrid.bus;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import io.learngrid.support.CapturedLogs;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A bus handler's unexpected failure")
class BusFailureLogTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("is logged with its stack trace, while the caller gets only INTERNAL")
  void loggedWithStackTrace() throws Exception {
    try (CapturedLogs logs = CapturedLogs.of(Bus.class)) {
      Bus.serve(vertx, Ping.PERSISTENCE, ping -> failingLookup(null));

      Future<Pong> reply = new BusClient(vertx, 10_000).request(Ping.PERSISTENCE, new Ping());
      Throwable failure = reply.transform(done -> Future.succeededFuture(done.cause())).await(10, TimeUnit.SECONDS);

      assertThat(failure).isInstanceOf(ReplyException.class);
      assertThat(((ReplyException) failure).failureCode()).isEqualTo(BusError.INTERNAL.code());
      assertThat(BusFailure.of((ReplyException) failure).detail()).isEqualTo("internal error");
      // Logged before the reply left, so it is there by now.
      ILoggingEvent logged = logs.events().stream()
          .filter(event -> event.getFormattedMessage().startsWith("bus handler failed on " + Ping.PERSISTENCE.address()))
          .findFirst().orElseThrow();
      IThrowableProxy thrown = logged.getThrowableProxy();
      assertThat(thrown).as("the failure travels with the log event").isNotNull();
      assertThat(thrown.getClassName()).isEqualTo(NullPointerException.class.getName());
      assertThat(thrown.getStackTraceElementProxyArray())
          .anySatisfy(frame -> assertThat(frame.getSTEAsString()).contains("failingLookup"));
    }
  }

  private static Future<Pong> failingLookup(String missing) {
    return Future.succeededFuture(new Pong(missing.trim(), null));
  }
}
