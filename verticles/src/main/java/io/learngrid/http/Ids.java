package io.learngrid.http;

import io.vertx.ext.web.RoutingContext;
import java.util.regex.Pattern;

/**
 * Ids are opaque to clients but ours to check: a path id that cannot be one of ours names
 * nothing, so it is a 404 before any bus request or cache key is built from it.
 */
public final class Ids {

  private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private Ids() {}

  public static String path(RoutingContext ctx, String name, String what) {
    String id = ctx.pathParam(name);
    if (id == null || !UUID.matcher(id).matches()) {
      throw new ProblemException(404, what + " not found");
    }
    return id.toLowerCase(java.util.Locale.ROOT);
  }

  /** An id in a request body: one of ours, or a 400 naming the field. */
  public static String body(Input input, String field) {
    String id = input.text(field, 36, 36);
    if (id != null && !UUID.matcher(id).matches()) {
      input.reject(field, "is not an id");
      return null;
    }
    return id == null ? null : id.toLowerCase(java.util.Locale.ROOT);
  }
}
