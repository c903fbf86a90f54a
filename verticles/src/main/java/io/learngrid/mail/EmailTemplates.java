package io.learngrid.mail;

import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The texts of the {@code email} jobs (input {@code {to, template, vars, secrets}}), plain text,
 * links built from LEARNGRID_PUBLIC_URL. A token is printed on a line of its own besides the link,
 * so that someone without the web app (curl) can copy it into {@code password-reset/confirm}.
 */
public final class EmailTemplates {

  public static final String PASSWORD_RESET = "password-reset";
  public static final String SET_PASSWORD = "set-password";
  public static final String JOB_FINISHED = "job-finished";

  /** A rendered email. */
  public record Rendered(String subject, String text) {}

  /** Input a template cannot render (it will not render on a later attempt either). */
  public static final class InvalidEmail extends RuntimeException {
    InvalidEmail(String message) {
      super(message, null, false, false);
    }
  }

  private final String publicUrl;

  /** {@code publicUrl} without a trailing slash, as LearngridConfig.Mail keeps it. */
  public EmailTemplates(String publicUrl) {
    this.publicUrl = publicUrl;
  }

  public Rendered render(String template, JsonObject vars, JsonObject secrets) {
    JsonObject v = vars == null ? new JsonObject() : vars;
    JsonObject secret = secrets == null ? new JsonObject() : secrets;
    return switch (template == null ? "" : template) {
      case PASSWORD_RESET -> tokenMail("Reset your learngrid password", greeting(v)
          + "someone (we hope you) asked to reset the password of your learngrid account.\n"
          + "To choose a new password, open this link" + validity(v, 30) + ":\n\n", token(secret),
          "If you did not ask for this, ignore this email: your password stays as it is.\n");
      case SET_PASSWORD -> tokenMail("Your learngrid account is ready: choose a password", greeting(v)
          + "an account on learngrid was made for you"
          + (v.getString("courseTitle") == null ? "" : " and you were enrolled in \"" + v.getString("courseTitle") + "\"")
          + ".\nTo choose your password, open this link" + validity(v, 7 * 24 * 60) + ":\n\n", token(secret),
          "Your login is this email address.\n");
      case JOB_FINISHED -> jobFinished(v);
      default -> throw new InvalidEmail("unknown email template '" + template + "'");
    };
  }

  /** Where the web app's reset page takes a token: {@code <public URL>/app/#/reset?token=...}. */
  public String resetLink(String token) {
    return publicUrl + "/app/#/reset?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
  }

  public String jobLink(String jobId) {
    return publicUrl + "/api/v1/jobs/" + URLEncoder.encode(jobId, StandardCharsets.UTF_8);
  }

  private Rendered tokenMail(String subject, String intro, String token, String outro) {
    String text = intro
        + "  " + resetLink(token) + "\n\n"
        + "Without a browser, post the token with your new password to\n"
        + publicUrl + "/api/v1/auth/password-reset/confirm as {\"token\": ..., \"newPassword\": ...}:\n\n"
        + "  token: " + token + "\n\n"
        + "The token works once.\n" + outro;
    return new Rendered(subject, text);
  }

  private Rendered jobFinished(JsonObject v) {
    String kind = required(v, "jobKind");
    String id = required(v, "jobId");
    String status = v.getString("status", "finished");
    return new Rendered("Your learngrid " + kind + " job " + status, greeting(v)
        + "your " + kind + " job " + id + " has " + status + ".\n"
        + "Its result (sign in first; the API answers with a bearer token):\n\n"
        + "  " + jobLink(id) + "\n");
  }

  private static String greeting(JsonObject v) {
    String name = v.getString("displayName");
    return (name == null || name.isBlank() ? "Hello" : "Hello " + name) + ",\n\n";
  }

  private static String validity(JsonObject v, int defaultMinutes) {
    int minutes = v.getInteger("validMinutes", defaultMinutes);
    return minutes % (24 * 60) == 0 ? " within " + minutes / (24 * 60) + (minutes == 24 * 60 ? " day" : " days")
        : minutes % 60 == 0 ? " within " + minutes / 60 + (minutes == 60 ? " hour" : " hours")
        : " within " + minutes + " minutes";
  }

  private static String token(JsonObject secrets) {
    String token = secrets.getString("token");
    if (token == null || token.isBlank()) {
      throw new InvalidEmail("the email has no token (secrets.token), or it was dropped when an earlier attempt ended");
    }
    return token;
  }

  private static String required(JsonObject v, String key) {
    String value = v.getString(key);
    if (value == null || value.isBlank()) {
      throw new InvalidEmail("the email needs vars." + key);
    }
    return value;
  }
}
