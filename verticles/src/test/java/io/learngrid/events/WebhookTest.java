package io.learngrid.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.Api;
import io.learngrid.support.CloseAfterAll;
import io.learngrid.support.Eventually;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.TestNode;
import io.learngrid.support.WebhookReceiver;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Webhooks: creation, SSRF refusals, and disabling after the retry window")
class WebhookTest {

  /** Refuses private destinations, as production does; runs no deliveries (the other node's are not its). */
  @CloseAfterAll
  private static TestNode strict;
  /** Delivers to loopback, and gives up after 1.5 s. */
  @CloseAfterAll
  private static TestNode quick;
  @CloseAfterAll
  private static WebhookReceiver receiver;
  private final List<String> created = new ArrayList<>();

  @BeforeAll
  static void start() {
    strict = NodeSettings.defaults().with("WEBHOOK_ALLOW_PRIVATE", false).with("JOBS_WEBHOOK_CONCURRENCY", 0).start();
    quick = NodeSettings.defaults()
        .with("WEBHOOK_RETRY_WINDOW_MS", 1_500)
        .with("JOBS_WEBHOOK_BACKOFF_MS", 50)
        .with("JOBS_WEBHOOK_MAX_BACKOFF_MS", 200)
        .with("JOBS_WEBHOOK_POLL_MS", 50)
        .start();
    receiver = new WebhookReceiver();
  }

  @AfterEach
  void deleteWebhooks() {
    Api api = strict.api();
    for (String id : created) {
      api.method("DELETE", "/api/v1/admin/webhooks/" + id, api.adminToken());
    }
  }

  private Api.Reply create(Api api, String url, String... events) {
    Api.Reply reply = api.post("/api/v1/admin/webhooks", new JsonObject().put("url", url)
        .put("events", new JsonArray(List.of(events))), api.adminToken());
    if (reply.status() == 201) {
      created.add(reply.json().getString("id"));
    }
    return reply;
  }

  @Test
  @DisplayName("a URL on loopback, a private, link-local, unique-local or mapped address, or a name resolving there, is refused")
  void privateDestinationsAreRefused() {
    for (String url : List.of("http://127.0.0.1:8080/hook", "http://localhost/hook", "http://10.0.0.7/hook",
        "http://192.168.1.20/hook", "http://172.20.0.1/hook", "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook", "http://[fd00::1]/hook", "http://[fe80::1]/hook", "http://[::ffff:127.0.0.1]/hook",
        "http://[::ffff:a00:1]/hook", "http://0.0.0.0/hook", "http://224.0.0.1/hook", receiver.url())) {
      Api.Reply reply = create(strict.api(), url, "answer.submitted");
      assertThat(reply.status()).as(url + ": " + reply.body()).isEqualTo(400);
      assertThat(reply.json().getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("url");
    }
    assertThat(create(strict.api(), "ftp://example.org/hook", "answer.submitted").status()).isEqualTo(400);
    assertThat(create(strict.api(), "https://8.8.8.8/hook", "no.such.event").status()).isEqualTo(400);
  }

  @Test
  @DisplayName("creation shows the secret once; the list shows every webhook without it, with its status")
  void secretOnlyInTheCreationReply() {
    Api api = strict.api();
    // An address literal: nothing to resolve, and public.
    Api.Reply reply = create(api, "https://8.8.8.8/learngrid", "answer.submitted", "job.finished");
    assertThat(reply.status()).as(reply.body()).isEqualTo(201);
    JsonObject webhook = reply.json();
    assertThat(webhook.getString("secret")).startsWith("whsec_").hasSize(70);
    assertThat(webhook.getJsonArray("events")).containsExactly("answer.submitted", "job.finished");
    assertThat(webhook.getString("status")).isEqualTo("active");
    JsonObject listed = api.get("/api/v1/admin/webhooks", api.adminToken()).json().getJsonArray("items").stream()
        .map(JsonObject.class::cast).filter(w -> w.getString("id").equals(webhook.getString("id"))).findFirst().orElseThrow();
    assertThat(listed.containsKey("secret")).isFalse();
    assertThat(listed.getString("url")).isEqualTo("https://8.8.8.8/learngrid");
    assertThat(api.method("DELETE", "/api/v1/admin/webhooks/" + webhook.getString("id"), api.adminToken()).status())
        .isEqualTo(204);
    assertThat(api.method("DELETE", "/api/v1/admin/webhooks/" + webhook.getString("id"), api.adminToken()).status())
        .isEqualTo(404);
    created.clear();
  }

  @Test
  @DisplayName("deliveries that fail for the whole retry window disable the webhook, and the list says why")
  void failingWebhookIsDisabledWithTheReason() throws Exception {
    Api api = quick.api();
    receiver.mode(WebhookReceiver.Mode.FAIL);
    Api.Reply reply = create(api, receiver.url(), "enrollment.created");
    assertThat(reply.status()).as(reply.body()).isEqualTo(201);
    String id = reply.json().getString("id");
    Api.Account teacher = api.account("teacher");
    String course = api.post("/api/v1/courses", new JsonObject().put("title", "Hooks").put("subject", "hooks")
        .put("description", ""), teacher.token()).json().getString("id");
    assertThat(api.post("/api/v1/courses/" + course + "/enrollments", new JsonObject()
        .put("studentId", api.account("student").id()), teacher.token()).status()).isEqualTo(201);
    Eventually.within(30, () -> "disabled".equals(webhook(api, id).getString("status")));
    JsonObject disabled = webhook(api, id);
    assertThat(disabled.getString("disabledReason")).contains("503");
    assertThat(disabled.getString("disabledAt")).isNotNull();
    assertThat(receiver.refused()).as("attempts the receiver refused").isGreaterThan(1);
    int attempts = receiver.deliveries().size();
    // Disabled: the next event is not sent.
    assertThat(api.post("/api/v1/courses/" + course + "/enrollments", new JsonObject()
        .put("studentId", api.account("student").id()), teacher.token()).status()).isEqualTo(201);
    Eventually.within(10, () -> io.learngrid.support.Database.value(
        "SELECT count(*) FROM jobs WHERE kind = 'webhook' AND input->>'webhookId' = ? AND status IN ('queued', 'running')",
        id).equals(0L));
    assertThat(receiver.deliveries()).hasSize(attempts);
  }

  private static JsonObject webhook(Api api, String id) {
    return api.get("/api/v1/admin/webhooks", api.adminToken()).json().getJsonArray("items").stream()
        .map(JsonObject.class::cast).filter(w -> w.getString("id").equals(id)).findFirst().orElseThrow();
  }
}
