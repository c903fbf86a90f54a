package io.learngrid.http.contract;

import io.learngrid.http.ProblemException.FieldError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.OutputUnit;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns what vertx-json-schema reports (a flat list of {@link OutputUnit}s whose locations are
 * JSON pointers into the value and into the schema) into {@code errors[]} entries named the way
 * {@link Input} names fields ({@code title}, {@code questions[200]}, {@code questions[0].answer})
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
        String keyword = last(unit.getKeywordLocation());
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
        if ("type".equals(last(unit.getKeywordLocation())) && at.equals(unit.getInstanceLocation())) {
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
            types.add(typeNames(type));
          }
        }
      }
      add(field(at), types.isEmpty() ? "is not valid" : "must be " + String.join(" or ", types));
    }

    private void leaf(OutputUnit unit, String keyword) {
      String at = unit.getInstanceLocation();
      Object node = schemaAt(parent(unit.getKeywordLocation()));
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
          if (Boolean.FALSE.equals(parent.getValue("additionalProperties")) && !declared.containsKey(lastPointerSegment(at))) {
            add(field(at), "is not a known field");
          }
        }
        default -> add(field(at), message(keyword, parent));
      }
    }

    private void add(String field, String message) {
      fields.putIfAbsent(field, message);
    }

    /** {@code questions[0].answer} for {@code #/questions/0/answer}; the value itself is its parameter name or {@code body}. */
    private String field(String pointer) {
      StringBuilder field = new StringBuilder(name == null ? "" : name);
      Object at = value;
      for (String segment : segments(pointer)) {
        if (at instanceof JsonArray array) {
          field.append('[').append(segment).append(']');
          int index = parseIndex(segment);
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
      for (String segment : segments(pointer)) {
        if (at instanceof JsonArray array) {
          int index = parseIndex(segment);
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
      for (String segment : segments(keywordLocation)) {
        if (node instanceof JsonObject object) {
          // "$ref" steps into the referenced schema; a keyword next to a $ref is the object's own.
          if ("$ref".equals(segment)) {
            node = deref(object);
          } else {
            node = object.containsKey(segment) ? object.getValue(segment) : deref(object).getValue(segment);
          }
        } else if (node instanceof JsonArray array) {
          int index = parseIndex(segment);
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

  /** The message for a failed keyword of {@code schema}, in the words {@link Input} uses. */
  private static String message(String keyword, JsonObject schema) {
    Object limit = schema.getValue(keyword);
    return switch (keyword) {
      case "type" -> "must be " + typeNames(limit);
      case "enum" -> "must be one of " + (limit instanceof JsonArray values
          ? values.stream().map(String::valueOf).collect(Collectors.joining(", ")) : "the allowed values");
      case "const" -> "must be " + limit;
      case "minLength" -> isOne(limit) ? "must not be empty" : "must be at least " + number(limit) + " characters long";
      case "maxLength" -> "must be at most " + number(limit) + " characters long";
      case "minimum" -> "must be at least " + number(limit);
      case "maximum" -> "must be at most " + number(limit);
      case "exclusiveMinimum" -> "must be more than " + number(limit);
      case "exclusiveMaximum" -> "must be less than " + number(limit);
      case "minItems" -> "must have at least " + number(limit) + (isOne(limit) ? " item" : " items");
      case "maxItems" -> "must have at most " + number(limit) + (isOne(limit) ? " item" : " items");
      case "minProperties" -> isOne(limit) && schema.getValue("properties") instanceof JsonObject properties
          ? "must have at least one of " + String.join(", ", properties.fieldNames())
          : "must have at least " + number(limit) + " fields";
      case "maxProperties" -> "must have at most " + number(limit) + " fields";
      case "format" -> switch (String.valueOf(limit)) {
        case "date-time" -> "must be an RFC 3339 date-time such as 2026-01-31T23:59:00Z";
        case "email" -> "must be an email address";
        case "date" -> "must be a date such as 2026-01-31";
        case "uuid" -> "must be a UUID";
        default -> "must be a valid " + limit;
      };
      case "multipleOf" -> "must be a multiple of " + number(limit);
      case "uniqueItems" -> "must not repeat an item";
      default -> "is not valid";
    };
  }

  private static String typeNames(Object type) {
    List<String> names = new ArrayList<>();
    if (type instanceof JsonArray types) {
      types.forEach(t -> names.add(typeName(String.valueOf(t))));
    } else {
      names.add(typeName(String.valueOf(type)));
    }
    return String.join(" or ", names);
  }

  private static String typeName(String type) {
    return switch (type) {
      case "string" -> "a string";
      case "integer" -> "a whole number";
      case "number" -> "a number";
      case "boolean" -> "true or false";
      case "object" -> "an object";
      case "array" -> "an array";
      case "null" -> "null";
      default -> type;
    };
  }

  private static boolean isOne(Object limit) {
    return limit instanceof Number number && number.doubleValue() == 1;
  }

  private static String number(Object limit) {
    if (limit instanceof Number number && number.doubleValue() == Math.rint(number.doubleValue())
        && Math.abs(number.doubleValue()) < 1e15) {
      return Long.toString(number.longValue());
    }
    return String.valueOf(limit);
  }

  /** Follows {@code $ref}s (internal ones, {@code #/…}) until a schema that is not one. */
  JsonObject deref(JsonObject node) {
    JsonObject at = node;
    for (int hops = 0; hops < 32 && at.getValue("$ref") instanceof String ref && ref.startsWith("#/"); hops++) {
      Object target = contract;
      for (String segment : segments(ref)) {
        target = target instanceof JsonObject object ? object.getValue(segment) : null;
      }
      if (!(target instanceof JsonObject next)) {
        return at;
      }
      at = next;
    }
    return at;
  }

  private static String parent(String pointer) {
    int slash = pointer.lastIndexOf('/');
    return slash < 0 ? "" : pointer.substring(0, slash);
  }

  private static String last(String pointer) {
    return pointer == null ? "" : pointer.substring(pointer.lastIndexOf('/') + 1);
  }

  private static String lastPointerSegment(String pointer) {
    List<String> segments = segments(pointer);
    return segments.isEmpty() ? "" : segments.get(segments.size() - 1);
  }

  private static int parseIndex(String segment) {
    try {
      return Integer.parseInt(segment);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The unescaped segments of a JSON pointer, with or without its leading {@code #}. */
  static List<String> segments(String pointer) {
    List<String> segments = new ArrayList<>();
    if (pointer == null) {
      return segments;
    }
    String path = pointer.startsWith("#") ? pointer.substring(1) : pointer;
    if (path.isEmpty()) {
      return segments;
    }
    for (String raw : path.substring(path.startsWith("/") ? 1 : 0).split("/", -1)) {
      segments.add(unescape(raw));
    }
    return segments;
  }

  /** vertx-json-schema percent-encodes pointer segments (RFC 6901 in a URI fragment) besides ~0 and ~1. */
  private static String unescape(String segment) {
    String decoded = segment;
    if (segment.indexOf('%') >= 0) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(segment.length());
      int i = 0;
      while (i < segment.length()) {
        if (segment.charAt(i) == '%' && i + 2 < segment.length()
            && Character.digit(segment.charAt(i + 1), 16) >= 0 && Character.digit(segment.charAt(i + 2), 16) >= 0) {
          bytes.write(Integer.parseInt(segment, i + 1, i + 3, 16));
          i += 3;
        } else {
          int codePoint = segment.codePointAt(i);
          bytes.writeBytes(new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8));
          i += Character.charCount(codePoint);
        }
      }
      decoded = bytes.toString(StandardCharsets.UTF_8);
    }
    return decoded.replace("~1", "/").replace("~0", "~");
  }
}
