package io.learngrid.http;

import io.learngrid.http.ProblemException.FieldError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.Function;

/** {@code ?limit=&cursor=} of docs/api.md's lists, and the {@code {items, nextCursor}} reply. */
public record Paging(String list, String afterId, int limit) {

  static final int DEFAULT_LIMIT = 20;
  static final int MAX_LIMIT = 100;

  /** Reads the query of a request on {@code list} (a name that also binds its filters). */
  public static Paging of(RoutingContext ctx, Cursors cursors, String list) {
    String limitParam = ctx.queryParams().get("limit");
    int limit = DEFAULT_LIMIT;
    if (limitParam != null) {
      try {
        limit = Integer.parseInt(limitParam);
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > MAX_LIMIT) {
        throw ProblemException.validation(List.of(new FieldError("limit", "must be a whole number from 1 to " + MAX_LIMIT)));
      }
    }
    return new Paging(list, cursors.decode(list, ctx.queryParams().get("cursor")), limit);
  }

  /** The reply for a page fetched with {@code limit + 1} rows: the extra row only says there is more. */
  public <T> JsonObject reply(Cursors cursors, List<T> rows, Function<T, String> id, Function<T, JsonObject> json) {
    boolean more = rows.size() > limit;
    List<T> page = more ? rows.subList(0, limit) : rows;
    JsonArray items = new JsonArray();
    page.forEach(row -> items.add(json.apply(row)));
    String next = more ? cursors.encode(list, id.apply(page.get(page.size() - 1))) : null;
    return new JsonObject().put("items", items).put("nextCursor", next);
  }
}
