package io.learngrid.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.dev.DevMail;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the tests that send email through a real SMTP server (DevMail) read from it. */
public final class Mailbox {

  private static final Pattern TOKEN = Pattern.compile("(?m)^  token: (\\S+)$");

  private Mailbox() {}

  /**
   * The tests share one database: email jobs other classes left queued (no SMTP server on their
   * node) would be sent to this class's server too. They are not its business.
   */
  public static void forgetQueuedEmails() {
    Database.update("DO $$ BEGIN IF to_regclass('jobs') IS NOT NULL THEN"
        + " DELETE FROM jobs WHERE kind = 'email' AND status IN ('queued', 'running'); END IF; END $$");
  }

  /** The emails {@code smtp} caught for {@code email}, newest first. */
  public static List<JsonObject> to(DevMail smtp, String email) {
    return smtp.messages().stream().map(JsonObject.class::cast)
        .filter(mail -> mail.getString("to").equalsIgnoreCase(email)).toList();
  }

  /** The token of a reset or set-password email (its "token: …" line). */
  public static String token(JsonObject mail) {
    Matcher matcher = TOKEN.matcher(mail.getString("text"));
    assertThat(matcher.find()).as("a token line in %s", mail.getString("text")).isTrue();
    return matcher.group(1);
  }
}
