package io.learngrid.http.contract;

import io.learngrid.http.ProblemException.FieldError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.OutputUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns what vertx-json-schema reports (a flat list of {@link OutputUnit}s whose locations are
 * JSON pointers into the value and into the schema) into {@code errors[]} entries named the way
 * {@link io.learngrid.http.Input} names fields ({@code title}, {@code questions[200]}, {@code questions[0].answer})
 * with short messages of our own: the library's texts and schema pointers never reach clients.
 * One entry per field, the first problem found for it.
 */
final class ContractErrors {

  /** Keywords whose failure is the problem itself; the others ($ref, properties, items, if…) only wrap them. */
  private static final Set<String> LEAVES = Set.of("type", "enum", "const", "minLength", "maxLength", "minimum",
      "maximum", "exclusiveMinimum", "exclusiveMaximum", "minItems", "maxItems", "format", "minProperties",
      "maxProperties", "pattern", "multipleOf", "uniqueItems", "required", "additionalProperties");

  /** The in-memory copy of the contract the validators were built from; {@code $ref}s are followed in it. */
  private final JsonObject contract;

  ContractErrors(JsonObject contract) {
    this.contract = contract;
  }

  /**
   * The fields {@code result} finds wrong in {@code value}, checked against {@code schema} (the
   * contract's schema of a parameter or of a body). {@code name} is the parameter's name, or null
   * for a body (whose own problems are reported as {@code body}).
   */
  List<FieldError> of(OutputUnit result, JsonObject schema, Object value, String name) {
    Found found = new Found(schema, value, name);
    if (result.getErrors() != null) {
      found.walk(result.getErrors());
    }
    if (found.fields.isEmpty()) {
      found.fields.put(name == null ? "body" : name, "is not valid");
    }
    List<FieldError> errors = new ArrayList<>(found.fields.size());
    found.fields.forEach((field, message) -> errors.add(new FieldError(field, message)));
    return errors;
  }

  /** The errors of one validation, mapped while walking the library's list. */
  private final class Found {
    private final JsonObject schema;
    private final Object value;
    private final String name;
    private final Map<String, String> fields = new LinkedHashMap<>();

    Found(JsonObject schema, Object value, String name) {
      this.schema = schema;
      this.value = value;
      this.name = name;
    }

    void walk(List<OutputUnit> units) {
      for (int i = 0; i < units.size(); i++) {
        OutputUnit unit = units.get(i);
        String keyword = JsonPointers.last(unit.getKeywordLocation());
        if ("oneOf".equals(keyword) || "anyOf".equals(keyword)) {
          // The failing alternatives' errors follow their summary, under its keyword location.
          String prefix = unit.getKeywordLocation() + "/";
          int end = i + 1;
          while (end < units.size() && units.get(end).getKeywordLocation().startsWith(prefix)) {
            end++;
          }
          alternatives(unit, units.subList(i + 1, end));
          i = end - 1;
        } else if (LEAVES.contains(keyword)) {
          leaf(unit, keyword);
        }
      }
    }

    /**
     * A value that fits none of {@code oneOf}'s alternatives: the errors of the alternatives of
     * its type (a 2001-character answer is "too long", not "not a number"), or else the types
     * it may have.
     */
    private void alternatives(OutputUnit summary, List<OutputUnit> branchErrors) {
      String at = summary.getInstanceLocation();
      if (branchErrors.isEmpty()) {
        // oneOf failed because several alternatives matched: nothing more precise to say.
        add(field(at), "is not valid");
        return;
      }
      int base = summary.getKeywordLocation().length() + 1;
      Set<String> wrongType = new HashSet<>();
      for (OutputUnit unit : branchErrors) {
        if ("type".equals(JsonPointers.last(unit.getKeywordLocation())) && at.equals(unit.getInstanceLocation())) {
          wrongType.add(branchOf(unit, base));
        }
      }
      List<OutputUnit> fitting = branchErrors.stream()
          .filter(unit -> !wrongType.contains(branchOf(unit, base)))
          .toList();
      if (!fitting.isEmpty()) {
        walk(fitting);
        return;
      }
      Object options = schemaAt(summary.getKeywordLocation());
      List<String> types = new ArrayList<>();
      if (options instanceof JsonArray array) {
        for (Object option : array) {
          Object type = option instanceof JsonObject object ? deref(object).getValue("type") : null;
          if (type != null) {
            types.add(ErrorMessages.typeNames(type));
          }
        }
      }
      add(field(at), types.isEmpty() ? "is not valid" : "must be " + String.join(" or ", types));
    }

    private void leaf(OutputUnit unit, String keyword) {
      String at = unit.getInstanceLocation();
      Object node = schemaAt(JsonPointers.parent(unit.getKeywordLocation()));
      JsonObject parent = node instanceof JsonObject object ? deref(object) : new JsonObject();
      switch (keyword) {
        case "required" -> {
          Object instance = instanceAt(at);
          JsonArray required = parent.getJsonArray("required", new JsonArray());
          for (Object property : required) {
            if (instance instanceof JsonObject object && !object.containsKey(property.toString())) {
              add(child(field(at), property.toString()), "is required");
            }
          }
        }
        case "additionalProperties" -> {
          // The library also lists declared properties whose value failed their own schema; those
          // are reported by their own errors, not as unknown.
          JsonObject declared = parent.getJsonObject("properties", new JsonObject());
          if (Boolean.FALSE.equals(parent.getValue("additionalProperties")) && !declared.containsKey(JsonPointers.lastPointerSegment(at))) {
            add(field(at), "is not a known field");
          }
        }
        default -> add(field(at), ErrorMessages.message(keyword, parent));
      }
    }

    private void add(String field, String message) {
      fields.putIfAbsent(field, message);
    }

    /** {@code questions[0].answer} for {@code #/questions/0/answer}; the value itself is its parameter name or {@code body}. */
    private String field(String pointer) {
      StringBuilder field = new StringBuilder(name == null ? "" : name);
      Object at = value;
      for (String segment : JsonPointers.segments(pointer)) {
        if (at instanceof JsonArray array) {
          field.append('[').append(segment).append(']');
          int index = JsonPointers.parseIndex(segment);
          at = index >= 0 && index < array.size() ? array.getValue(index) : null;
        } else {
          field.append(field.isEmpty() ? "" : ".").append(segment);
          at = at instanceof JsonObject object ? object.getValue(segment) : null;
        }
      }
      return field.isEmpty() ? "body" : field.toString();
    }

    private String child(String parentField, String property) {
      return "body".equals(parentField) && name == null ? property : parentField + "." + property;
    }

    private Object instanceAt(String pointer) {
      Object at = value;
      for (String segment : JsonPointers.segments(pointer)) {
        if (at instanceof JsonArray array) {
          int index = JsonPointers.parseIndex(segment);
          at = index >= 0 && index < array.size() ? array.getValue(index) : null;
        } else {
          at = at instanceof JsonObject object ? object.getValue(segment) : null;
        }
      }
      return at;
    }

    /** The schema node at a keyword location, following each {@code $ref} in the contract. */
    private Object schemaAt(String keywordLocation) {
      Object node = deref(schema);
      for (String segment : JsonPointers.segments(keywordLocation)) {
        if (node instanceof JsonObject object) {
          // "$ref" steps into the referenced schema; a keyword next to a $ref is the object's own.
          if ("$ref".equals(segment)) {
            node = deref(object);
          } else {
            node = object.containsKey(segment) ? object.getValue(segment) : deref(object).getValue(segment);
          }
        } else if (node instanceof JsonArray array) {
          int index = JsonPointers.parseIndex(segment);
          node = index >= 0 && index < array.size() ? array.getValue(index) : null;
        } else {
          return null;
        }
      }
      return node;
    }

    private String branchOf(OutputUnit unit, int base) {
      String rest = unit.getKeywordLocation().substring(base);
      int slash = rest.indexOf('/');
      return slash < 0 ? rest : rest.substring(0, slash);
    }
  }

  /** Follows {@code $ref}s (internal ones, {@code #/…}) until a schema that is not one. */
  JsonObject deref(JsonObject node) {
    JsonObject at = node;
    for (int hops = 0; hops < 32 && at.getValue("$ref") instanceof String ref && ref.startsWith("#/"); hops++) {
      Object target = contract;
      for (String segment : JsonPointers.segments(ref)) {
        target = target instanceof JsonObject object ? object.getValue(segment) : null;
      }
      if (!(target instanceof JsonObject next)) {
        return at;
      }
      at = next;
    }
    return at;
  }
}
