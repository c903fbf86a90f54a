package io.learngrid.http;

import io.learngrid.bus.Uuids;
import io.vertx.ext.web.RoutingContext;

/**
 * Ids are opaque to clients but ours to check: a path id that cannot be one of ours names
 * nothing, so it is a 404 before any bus request or cache key is built from it.
 */
public final class Ids {

  private Ids() {}

  public static String path(RoutingContext ctx, String name, String what) {
    String id = ctx.pathParam(name);
    if (!Uuids.isUuid(id)) {
      throw new ProblemException(404, what + " not found");
    }
    return Uuids.normalize(id);
  }

  /** An id in a request body: one of ours, or a 400 naming the field. */
  public static String body(Input input, String field) {
    // Narrower than the contract's Id (1 to 128 characters): ours are UUIDs.
    String id = input.textWithin(field, 36, 36);
    if (id != null && !Uuids.isUuid(id)) {
      input.reject(field, "is not an id");
      return null;
    }
    return id == null ? null : Uuids.normalize(id);
  }
}
