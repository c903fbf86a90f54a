package io.learngrid.mail;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.dev.DevMail;
import io.learngrid.support.Api;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.Database;
import io.learngrid.support.Eventually;
import io.learngrid.support.LearngridNode;
import io.learngrid.support.Mailbox;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.TestServices;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Password-reset email through a real SMTP server (GreenMail, started here on a free port): what
 * arrives, that its token works, and that an SMTP outage delays the email without touching the
 * request that asked for it.
 */
@DisplayName("Password reset by email, through a real SMTP server")
@LearngridNode
class PasswordResetEmailTest {

  private static final String PASSWORD = "student-password";
  private static final String RESET = "/api/v1/auth/password-reset";
  private static final String CONFIRM = "/api/v1/auth/password-reset/confirm";
  private static final int SMTP_PORT = TestServices.freePort();
  private static NodeSettings settings;
  private static DevMail smtp;
  private final Api api;

  PasswordResetEmailTest(Api api) {
    this.api = api;
  }

  @BeforeAll
  static void start() {
    Mailbox.forgetQueuedEmails();
    smtp = DevMail.start(SMTP_PORT);
    settings = NodeSettings.defaults().smtpUrl("smtp://127.0.0.1:" + SMTP_PORT)
        .publicUrl("https://learngrid.example")
        .emailBackoffMillis(50).emailMaxBackoffMillis(300).emailPollMillis(100);
  }

  @AfterAll
  static void stop() {
    if (smtp != null) {
      smtp.close();
    }
  }

  @Test
  @DisplayName("a reset sends exactly one email whose token sets the new password; an unknown email gets no mail and the same 202 {}")
  void resetEmailCarriesAWorkingToken() throws InterruptedException {
    String email = api.registerStudent(PASSWORD);
    String unknown = "nobody-" + UUID.randomUUID() + "@test.learngrid";

    Reply known = api.post(RESET, new JsonObject().put("email", email), null);
    Reply other = api.post(RESET, new JsonObject().put("email", unknown), null);

    assertThat(known.status()).isEqualTo(202);
    assertThat(other.status()).isEqualTo(202);
    assertThat(known.body()).isEqualTo("{}").isEqualTo(other.body());
    Eventually.within(20, () -> Mailbox.to(smtp, email).size() == 1);
    JsonObject mail = Mailbox.to(smtp, email).get(0);
    assertThat(mail.getString("subject")).isEqualTo("Reset your learngrid password");
    String token = Mailbox.token(mail);
    assertThat(mail.getString("text")).contains("https://learngrid.example/app/#/reset?token=" + token);

    Reply confirmed = api.post(CONFIRM, new JsonObject().put("token", token).put("newPassword", "from-the-email"), null);

    assertThat(confirmed.status()).isEqualTo(204);
    assertThat(api.login(email, "from-the-email")).isNotBlank();
    // The job is done: what made that one email is the only mail to this address, and none went to the unknown one.
    Eventually.within(10, () -> Long.valueOf(1).equals(Database.value(
        "SELECT count(*) FROM jobs WHERE kind = 'email' AND input->>'to' = ? AND status = 'succeeded'", email)));
    assertThat(Mailbox.to(smtp, email)).hasSize(1);
    assertThat(Mailbox.to(smtp, unknown)).isEmpty();
    assertThat(Database.value("SELECT count(*) FROM jobs WHERE kind = 'email' AND input->>'to' = ?", unknown))
        .isEqualTo(0L);
  }

  @Test
  @DisplayName("the finished email job keeps no token in its row (input ? 'secrets' is false), and its result names the sent message")
  void finishedJobDropsTheToken() throws InterruptedException {
    String email = api.registerStudent(PASSWORD);

    assertThat(api.post(RESET, new JsonObject().put("email", email), null).status()).isEqualTo(202);

    Eventually.within(20, () -> "succeeded".equals(Database.value(
        "SELECT status FROM jobs WHERE kind = 'email' AND input->>'to' = ?", email)));
    assertThat(Database.value("SELECT input ?? 'secrets' FROM jobs WHERE kind = 'email' AND input->>'to' = ?", email))
        .isEqualTo(false);
    assertThat(Database.value("SELECT input->>'template' FROM jobs WHERE kind = 'email' AND input->>'to' = ?", email))
        .isEqualTo("password-reset");
    String messageId = (String) Database.value(
        "SELECT result->>'messageId' FROM jobs WHERE kind = 'email' AND input->>'to' = ?", email);
    assertThat(messageId).isNotBlank();
    assertThat(Mailbox.to(smtp, email)).singleElement().satisfies(mail -> assertThat(mail.getString("id")).contains(messageId));
  }

  @Test
  @DisplayName("with the SMTP server down the reset still answers 202 at once; the email is retried and arrives once the server is back")
  void smtpOutageDelaysTheEmail() throws InterruptedException {
    String email = api.registerStudent(PASSWORD);
    smtp.close();
    try {
      long started = System.nanoTime();
      Reply reply = api.post(RESET, new JsonObject().put("email", email), null);
      long millis = (System.nanoTime() - started) / 1_000_000;

      assertThat(reply.status()).isEqualTo(202);
      assertThat(reply.body()).isEqualTo("{}");
      assertThat(millis).as("the reset request waits for no SMTP server").isLessThan(2_000);
      String job = "FROM jobs WHERE kind = 'email' AND input->>'to' = ?";
      Eventually.within(20, () -> ((Number) Database.value("SELECT attempts " + job, email)).intValue() > 1
          && "queued".equals(Database.value("SELECT status " + job, email)));
      assertThat((String) Database.value("SELECT error " + job, email)).contains("SMTP server did not take the email");
      // While it waits, the job still holds the token it will send.
      assertThat(Database.value("SELECT input ?? 'secrets' " + job, email)).isEqualTo(true);
    } finally {
      smtp = DevMail.start(SMTP_PORT);
    }

    Eventually.within(20, () -> Mailbox.to(smtp, email).size() == 1);
    String token = Mailbox.token(Mailbox.to(smtp, email).get(0));
    assertThat(api.post(CONFIRM, new JsonObject().put("token", token).put("newPassword", "after-the-outage"), null)
        .status()).isEqualTo(204);
    assertThat(api.login(email, "after-the-outage")).isNotBlank();
  }

  @Test
  @DisplayName("a node that did not start the dev SMTP server has no /dev/mail (404)")
  void noDevMailOutsideTheDevNode() {
    assertThat(api.get("/dev/mail", null).status()).isEqualTo(404);
  }
}
