package io.learngrid.http;

import io.vertx.ext.web.RoutingContext;
import java.util.regex.Pattern;

/**
 * Ids are opaque to clients but ours to check: a path id that cannot be one of ours names
 * nothing, so it is a 404 before any bus request or cache key is built from it.
 */
final class Ids {

  private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private Ids() {}

  static String path(RoutingContext ctx, String name, String what) {
    String id = ctx.pathParam(name);
    if (id == null || !UUID.matcher(id).matches()) {
      throw new ProblemException(404, what + " not found");
    }
    return id.toLowerCase(java.util.Locale.ROOT);
  }
}
