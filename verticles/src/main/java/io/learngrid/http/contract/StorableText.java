package io.learngrid.http.contract;

import io.learngrid.http.ProblemException.FieldError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Text that PostgreSQL can store and that reads back as it was sent: no NUL character (text and
 * jsonb refuse it: SQLSTATE 22021/22P05) and no unpaired UTF-16 surrogate (a JSON escape such as
 * {@code "\ud800"} decodes to one; UTF-8 cannot encode it, so it would be stored as {@code ?}).
 * The contract cannot say either, so every string of a body and every parameter meets this rule
 * before its schema, whatever the route.
 */
public final class StorableText {

  private StorableText() {}

  /** Why {@code text} cannot be stored, or null when it can. */
  public static String problem(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\0') {
        return "must not contain NUL characters";
      }
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return "must not contain unpaired UTF-16 surrogates";
      }
    }
    return null;
  }

  /** Adds a finding for every key or string value of {@code json} that cannot be stored, at most {@code max}. */
  static void check(Object json, String path, List<FieldError> found, int max) {
    if (found.size() >= max) {
      return;
    }
    if (json instanceof String text) {
      String problem = problem(text);
      if (problem != null) {
        found.add(new FieldError(path.isEmpty() ? "body" : path, problem));
      }
    } else if (json instanceof JsonObject object) {
      for (var entry : object) {
        String key = entry.getKey();
        String field = path.isEmpty() ? key : path + "." + key;
        String problem = problem(key);
        if (problem != null) {
          found.add(new FieldError(path.isEmpty() ? "body" : path, "field names " + problem));
          continue;
        }
        check(entry.getValue(), field, found, max);
      }
    } else if (json instanceof JsonArray array) {
      for (int i = 0; i < array.size() && found.size() < max; i++) {
        check(array.getValue(i), path + "[" + i + "]", found, max);
      }
    }
  }
}
