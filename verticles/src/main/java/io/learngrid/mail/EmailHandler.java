package io.learngrid.mail;

import io.learngrid.config.LearngridConfig;
import io.learngrid.jobs.JobFailure;
import io.learngrid.jobs.JobHandler;
import io.learngrid.jobs.RunningJob;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.StartTLSOptions;
import java.net.URI;

/**
 * The persistence role's handler of {@code email} jobs: renders the job's template and sends it
 * through LEARNGRID_SMTP_URL; the result is {@code {"messageId": ...}}. An SMTP server that is down
 * or refuses for now fails the attempt with {@code retry}, so the job waits with backoff (the kind
 * has 100 attempts) and the mail goes out once the server is back. Delivery is at least once: a
 * node that dies between the SMTP server's acceptance and the recorded outcome leaves the job to be
 * sent again; a second copy of a reset email is harmless, a lost one is not.
 */
public final class EmailHandler implements JobHandler {

  private final MailClient client;
  private final EmailTemplates templates;
  private final String from;

  public EmailHandler(MailClient client, EmailTemplates templates, String from) {
    this.client = client;
    this.templates = templates;
    this.from = from;
  }

  /** A handler with its own SMTP connection pool of at most {@code concurrency} connections. */
  public static EmailHandler create(Vertx vertx, LearngridConfig.Mail mail, int concurrency) {
    return new EmailHandler(MailClient.create(vertx, mailConfig(mail, concurrency)),
        new EmailTemplates(mail.publicUrl()), mail.from());
  }

  static MailConfig mailConfig(LearngridConfig.Mail mail, int concurrency) {
    LearngridConfig.Smtp smtp = mail.smtp();
    MailConfig config = new MailConfig()
        .setHostname(smtp.host())
        .setPort(smtp.port())
        .setSsl(smtp.ssl())
        // smtp://: STARTTLS when the server offers it; smtps:// is TLS from the start.
        .setStarttls(smtp.ssl() ? StartTLSOptions.DISABLED : StartTLSOptions.OPTIONAL)
        .setLogin(smtp.username() == null ? LoginOption.DISABLED : LoginOption.REQUIRED)
        .setUsername(smtp.username())
        .setPassword(smtp.password())
        .setKeepAlive(true)
        .setMaxPoolSize(concurrency)
        // The EHLO name. Unset, the client looks up the local host name, a blocking DNS call.
        .setOwnHostname(URI.create(mail.publicUrl()).getHost());
    config.setConnectTimeout(10_000);
    return config;
  }

  @Override
  public Future<JsonObject> run(RunningJob job) {
    JsonObject input = job.input();
    String to = input.getString("to");
    if (to == null || to.isBlank() || !to.contains("@")) {
      return Future.failedFuture(new JobFailure("the email has no recipient address (to)", false));
    }
    EmailTemplates.Rendered rendered;
    try {
      rendered = templates.render(input.getString("template"), input.getJsonObject("vars"),
          input.getJsonObject("secrets"));
    } catch (EmailTemplates.InvalidEmail | ClassCastException e) {
      return Future.failedFuture(new JobFailure("the email cannot be rendered: " + e.getMessage(), false));
    }
    MailMessage message = new MailMessage().setFrom(from).setTo(to).setSubject(rendered.subject())
        .setText(rendered.text());
    return client.sendMail(message)
        .map(sent -> new JsonObject().put("messageId", sent.getMessageID()))
        // The SMTP client's messages name the server's reply or the connection failure, never the body.
        .recover(failure -> Future.failedFuture(new JobFailure("the SMTP server did not take the email ("
            + failure.getClass().getSimpleName() + ": " + failure.getMessage() + ")", true)));
  }

  public Future<Void> close() {
    return client.close();
  }
}
