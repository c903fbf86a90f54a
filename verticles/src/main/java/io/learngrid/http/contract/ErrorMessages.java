package io.learngrid.http.contract;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The words of a contract error: a failed keyword of a schema as the short message a client reads
 * ({@code must be at most 200 characters long}), the same words {@link io.learngrid.http.Input}
 * uses; the library's own texts never reach clients.
 */
final class ErrorMessages {

  private ErrorMessages() {}

  /** The message for a failed keyword of {@code schema}, in the words {@link io.learngrid.http.Input} uses. */
  static String message(String keyword, JsonObject schema) {
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

  static String typeNames(Object type) {
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
}
