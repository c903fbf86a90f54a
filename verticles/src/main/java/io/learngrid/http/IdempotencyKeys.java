package io.learngrid.http;

import io.learngrid.bus.Idempotency;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;

/** Reads the Idempotency-Key header of a creating POST (docs/api.md: any string up to 255 characters). */
public final class IdempotencyKeys {

  static final String HEADER = "Idempotency-Key";

  private IdempotencyKeys() {}

  /** The key and the hash of this request, or null when the client sent no key. */
  public static Idempotency of(RoutingContext ctx) {
    String key = ctx.request().getHeader(HEADER);
    if (key == null) {
      return null;
    }
    if (key.isEmpty() || key.length() > 255) {
      throw ProblemException.validation(List.of(
          new ProblemException.FieldError(HEADER, "must be 1 to 255 characters long")));
    }
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update((ctx.request().method().name() + ' ' + ctx.request().path() + '\n').getBytes(StandardCharsets.UTF_8));
      if (ctx.body() != null && ctx.body().buffer() != null) {
        digest.update(ctx.body().buffer().getBytes());
      }
      return new Idempotency(key, Base64.getEncoder().encodeToString(digest.digest()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
