package io.learngrid.mail;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.dev.DevMail;
import io.learngrid.support.Api;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.Eventually;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.TestNode;
import io.learngrid.support.TestServices;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("GET /dev/mail on a node that started the dev SMTP server")
class DevMailTest {

  @Test
  @DisplayName("lists the caught emails newest first as {id, to, subject, text, receivedAt}")
  void listsCaughtMailNewestFirst() throws Exception {
    try (DevMail mail = DevMail.start(TestServices.freePort());
         TestNode node = NodeSettings.defaults().smtpUrl(mail.url()).emailPollMillis(100).start(mail)) {
      Api api = node.api();
      String first = api.registerStudent("student-password");
      String second = api.registerStudent("student-password");

      assertThat(api.post("/api/v1/auth/password-reset", new JsonObject().put("email", first), null).status())
          .isEqualTo(202);
      Eventually.within(20, () -> caught(api).stream().anyMatch(m -> ((JsonObject) m).getString("to").equals(first)));
      assertThat(api.post("/api/v1/auth/password-reset", new JsonObject().put("email", second), null).status())
          .isEqualTo(202);
      Eventually.within(20, () -> caught(api).stream().anyMatch(m -> ((JsonObject) m).getString("to").equals(second)));

      Reply reply = api.get("/dev/mail", null);
      assertThat(reply.status()).isEqualTo(200);
      assertThat(reply.header("Content-Type")).isEqualTo("application/json");
      JsonArray list = new JsonArray(reply.body());
      int firstAt = indexOf(list, first);
      int secondAt = indexOf(list, second);
      assertThat(secondAt).as("newest first").isLessThan(firstAt);
      JsonObject item = list.getJsonObject(secondAt);
      assertThat(item.fieldNames()).containsExactlyInAnyOrder("id", "to", "subject", "text", "receivedAt");
      assertThat(item.getString("id")).isNotBlank();
      assertThat(item.getString("subject")).isEqualTo("Reset your learngrid password");
      assertThat(item.getString("text")).contains("http://localhost:8080/app/#/reset?token=").contains("  token: ");
      assertThat(Instant.parse(item.getString("receivedAt"))).isBefore(Instant.now().plusSeconds(1));
    }
  }

  private static JsonArray caught(Api api) {
    return new JsonArray(api.get("/dev/mail", null).body());
  }

  private static int indexOf(JsonArray list, String to) {
    for (int i = 0; i < list.size(); i++) {
      if (list.getJsonObject(i).getString("to").equals(to)) {
        return i;
      }
    }
    throw new AssertionError("no mail to " + to + " in " + list.encodePrettily());
  }
}
