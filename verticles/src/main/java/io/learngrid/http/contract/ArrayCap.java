package io.learngrid.http.contract;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Bounds the work of checking a body: vertx-json-schema checks every item of an array even when
 * the array already has more than {@code maxItems}, so a 64 KiB body of tiny items costs a second
 * of CPU. Arrays longer than every {@code maxItems} of the schema are cut before the check; the
 * cut array still has more items than allowed, so the same "too many items" error is reported.
 */
final class ArrayCap {

  private ArrayCap() {}

  /**
   * One more than the largest {@code maxItems} of the schema, or 0 (check everything) when some
   * array of the schema has no {@code maxItems} or the schema has no arrays.
   */
  static int of(JsonObject schema, ContractErrors contract) {
    int[] largest = {0};
    boolean[] unbounded = {false};
    visit(schema, contract, Collections.newSetFromMap(new IdentityHashMap<>()), 0, largest, unbounded);
    return unbounded[0] || largest[0] == 0 ? 0 : largest[0] + 1;
  }

  private static void visit(Object node, ContractErrors contract, Set<JsonObject> seen, int depth, int[] largest,
                            boolean[] unbounded) {
    if (depth > 64) {
      unbounded[0] = true;
      return;
    }
    if (node instanceof JsonArray array) {
      array.forEach(item -> visit(item, contract, seen, depth + 1, largest, unbounded));
      return;
    }
    if (!(node instanceof JsonObject raw)) {
      return;
    }
    JsonObject schema = contract.deref(raw);
    if (!seen.add(schema)) {
      return;
    }
    Object type = schema.getValue("type");
    boolean array = "array".equals(type) || (type instanceof JsonArray types && types.contains("array"))
        || schema.containsKey("items");
    if (array) {
      if (schema.getValue("maxItems") instanceof Number max) {
        largest[0] = Math.max(largest[0], max.intValue());
      } else {
        unbounded[0] = true;
      }
    }
    for (Map.Entry<String, Object> entry : schema) {
      if (!"enum".equals(entry.getKey()) && !"const".equals(entry.getKey()) && !"required".equals(entry.getKey())
          && !"example".equals(entry.getKey()) && !"examples".equals(entry.getKey()) && !"default".equals(entry.getKey())) {
        visit(entry.getValue(), contract, seen, depth + 1, largest, unbounded);
      }
    }
  }

  /** {@code value} with every array longer than {@code cap} cut to {@code cap} items; the same object when none is. */
  static Object cut(Object value, int cap) {
    if (value instanceof JsonArray array) {
      JsonArray copy = null;
      int size = Math.min(array.size(), cap);
      for (int i = 0; i < size; i++) {
        Object item = array.getValue(i);
        Object bounded = cut(item, cap);
        if (bounded != item && copy == null) {
          copy = new JsonArray();
          for (int j = 0; j < i; j++) {
            copy.add(array.getValue(j));
          }
        }
        if (copy != null) {
          copy.add(bounded);
        }
      }
      if (copy == null && array.size() > cap) {
        copy = new JsonArray(array.getList().subList(0, cap));
      }
      return copy == null ? array : copy;
    }
    if (value instanceof JsonObject object) {
      JsonObject copy = null;
      for (String key : object.fieldNames()) {
        Object item = object.getValue(key);
        Object bounded = cut(item, cap);
        if (bounded != item) {
          if (copy == null) {
            copy = object.copy();
          }
          copy.put(key, bounded);
        }
      }
      return copy == null ? object : copy;
    }
    return value;
  }
}
