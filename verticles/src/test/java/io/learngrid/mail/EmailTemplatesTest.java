package io.learngrid.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Email templates: links from LEARNGRID_PUBLIC_URL, tokens printed for curl users")
class EmailTemplatesTest {

  private final EmailTemplates templates = new EmailTemplates("https://school.example/learngrid");

  @Test
  @DisplayName("password-reset links to <public URL>/app/#/reset?token=… and prints the raw token")
  void passwordReset() {
    EmailTemplates.Rendered mail = templates.render("password-reset",
        new JsonObject().put("displayName", "Ann").put("validMinutes", 30), new JsonObject().put("token", "abc-_123"));

    assertThat(mail.subject()).isEqualTo("Reset your learngrid password");
    assertThat(mail.text()).startsWith("Hello Ann,")
        .contains("https://school.example/learngrid/app/#/reset?token=abc-_123")
        .contains("\n  token: abc-_123\n")
        .contains("https://school.example/learngrid/api/v1/auth/password-reset/confirm")
        .contains("within 30 minutes");
  }

  @Test
  @DisplayName("set-password (a rostered account) has the same link and token, valid 7 days unless told otherwise")
  void setPassword() {
    EmailTemplates.Rendered mail = templates.render("set-password",
        new JsonObject().put("displayName", "Bo").put("courseTitle", "Algebra"), new JsonObject().put("token", "t0k"));

    assertThat(mail.subject()).contains("choose a password");
    assertThat(mail.text()).contains("https://school.example/learngrid/app/#/reset?token=t0k")
        .contains("\n  token: t0k\n").contains("\"Algebra\"").contains("within 7 days");
  }

  @Test
  @DisplayName("job-finished names the kind and id and links <public URL>/api/v1/jobs/<id>")
  void jobFinished() {
    EmailTemplates.Rendered mail = templates.render("job-finished",
        new JsonObject().put("jobKind", "export").put("jobId", "0191-abc").put("status", "succeeded"), null);

    assertThat(mail.subject()).isEqualTo("Your learngrid export job succeeded");
    assertThat(mail.text()).contains("export job 0191-abc has succeeded")
        .contains("https://school.example/learngrid/api/v1/jobs/0191-abc");
  }

  @Test
  @DisplayName("an unknown template, a token-less reset or a job notice without its id cannot be rendered")
  void invalidInput() {
    assertThatThrownBy(() -> templates.render("newsletter", null, null)).isInstanceOf(EmailTemplates.InvalidEmail.class);
    assertThatThrownBy(() -> templates.render("password-reset", null, new JsonObject()))
        .isInstanceOf(EmailTemplates.InvalidEmail.class).hasMessageContaining("token");
    assertThatThrownBy(() -> templates.render("job-finished", new JsonObject().put("jobKind", "export"), null))
        .isInstanceOf(EmailTemplates.InvalidEmail.class).hasMessageContaining("jobId");
  }
}
