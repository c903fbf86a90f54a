package io.learngrid.bus;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A bus failure's message")
class BusFailureTest {

  @Test
  @DisplayName("is a JSON object with the detail and, when given, retryAfterSeconds (at least 1)")
  void wireFormIsJson() {
    ReplyException waiting = BusError.UNAVAILABLE.exception("AI upstream circuit is open", 0);
    assertThat(waiting.failureCode()).isEqualTo(503);
    assertThat(new JsonObject(waiting.getMessage()))
        .isEqualTo(new JsonObject().put("detail", "AI upstream circuit is open").put("retryAfterSeconds", 1));

    ReplyException plain = BusError.NOT_FOUND.exception("course not found");
    assertThat(new JsonObject(plain.getMessage())).isEqualTo(new JsonObject().put("detail", "course not found"));
  }

  @Test
  @DisplayName("is read back typed, and shown to clients as before: the detail, then (retry after N s)")
  void readBack() {
    BusFailure failure = BusFailure.of(BusError.TOO_MANY_REQUESTS.exception("your daily AI token budget is used up", 42));
    assertThat(failure.detail()).isEqualTo("your daily AI token budget is used up");
    assertThat(failure.retryAfterSeconds()).isEqualTo(42);
    assertThat(failure.shownDetail()).isEqualTo("your daily AI token budget is used up (retry after 42 s)");

    BusFailure noWait = BusFailure.of(BusError.CONFLICT.exception("an account with this email already exists"));
    assertThat(noWait.retryAfterSeconds()).isNull();
    assertThat(noWait.shownDetail()).isEqualTo("an account with this email already exists");
  }

  @Test
  @DisplayName("from a peer that fails with plain text (or JSON of another shape) is the detail, with no wait")
  void plainTextFromPeers() {
    for (String message : new String[] {"cache unavailable", "{not json", "{\"error\": \"x\"}", "", "(retry after 3 s)"}) {
      BusFailure failure = BusFailure.of(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 503, message));
      assertThat(failure.detail()).isEqualTo(message);
      assertThat(failure.retryAfterSeconds()).isNull();
    }
    assertThat(BusFailure.decode(null).detail()).isNull();
  }

  @Test
  @DisplayName("from a peer that writes the JSON object by hand is read like Java's own")
  void jsonFromPeers() {
    BusFailure failure = BusFailure.decode("{\"retryAfterSeconds\": 7, \"detail\": \"busy\", \"extra\": true}");
    assertThat(failure).isEqualTo(new BusFailure("busy", 7));
    assertThat(BusFailure.decode("{\"detail\": \"busy\", \"retryAfterSeconds\": -2}").retryAfterSeconds()).isNull();
  }
}
