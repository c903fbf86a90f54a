package io.learngrid.http.contract;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.json.schema.Validator;
import io.vertx.json.schema.common.dsl.SchemaType;
import io.vertx.openapi.contract.Location;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Parameter;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * One parameter of an operation (path, query or header): where to read it, how to type its text,
 * and how to check it.
 *
 * <p>Every request of the hot read path checks its path id, so plain schemas (a string with
 * length bounds, an integer with bounds: every parameter of openapi.yaml) are checked by a
 * predicate compiled at start. The library's validator allocates sets, maps and lists on each call
 * (~1.5 µs); it still runs when the predicate fails, so the errors are the library's findings, and
 * for any schema with other keywords.
 */
record ContractParameter(String name, Location in, boolean required, SchemaType type, Validator validator,
                         JsonObject schema, Predicate<Object> plain) {

  private static final Pattern INTEGER = Pattern.compile("-?\\d{1,18}");
  private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?");
  /** Keywords that do not constrain a value. */
  private static final Set<String> NOTES = Set.of("description", "title", "default", "example", "examples", "deprecated");

  /** {@code schema} is the parameter's schema in the in-memory contract, {@code $ref}s followed. */
  static ContractParameter of(Parameter parameter, OpenAPIContract contract, JsonObject schema) {
    if (parameter.getIn() == Location.COOKIE || parameter.getSchemaType() == SchemaType.ARRAY
        || parameter.getSchemaType() == SchemaType.OBJECT) {
      throw new IllegalStateException("ContractValidation reads only scalar path, query and header parameters: "
          + parameter.getName());
    }
    return new ContractParameter(parameter.getName(), parameter.getIn(), parameter.isRequired(),
        parameter.getSchemaType(), contract.getSchemaRepository().validator(parameter.getSchema()), schema,
        plain(schema));
  }

  /** The raw text of the parameter (already URL-decoded by the router), or null when absent. */
  String read(RoutingContext ctx) {
    return switch (in) {
      case PATH -> ctx.pathParam(name);
      case QUERY -> ctx.queryParams().get(name);
      case HEADER -> ctx.request().getHeader(name);
      case COOKIE -> null;
    };
  }

  /**
   * Numbers and booleans as JSON values; text that is not one stays text, so the type check names
   * it. Strings stay strings whatever they look like ({@code -5} is a fine Idempotency-Key).
   */
  Object typed(String text) {
    return switch (type) {
      case INTEGER, NUMBER -> INTEGER.matcher(text).matches() ? (Object) Long.parseLong(text)
          : NUMBER.matcher(text).matches() ? (Object) Double.parseDouble(text) : text;
      case BOOLEAN -> "true".equals(text) ? Boolean.TRUE : "false".equals(text) ? (Object) Boolean.FALSE : text;
      default -> text;
    };
  }

  /** Whether {@code value} certainly fits: true only from the compiled predicate of a plain schema. */
  boolean surelyValid(Object value) {
    return plain != null && plain.test(value);
  }

  /** The predicate equivalent to a plain schema, or null when the schema has any other keyword. */
  private static Predicate<Object> plain(JsonObject schema) {
    Set<String> keywords = new HashSet<>(schema.fieldNames());
    keywords.removeAll(NOTES);
    keywords.removeIf(keyword -> keyword.startsWith("__"));
    Object type = schema.getValue("type");
    if ("string".equals(type) && Set.of("type", "minLength", "maxLength").containsAll(keywords)
        && isWhole(schema.getValue("minLength", 0)) && isWhole(schema.getValue("maxLength", Integer.MAX_VALUE))) {
      long min = ((Number) schema.getValue("minLength", 0)).longValue();
      long max = ((Number) schema.getValue("maxLength", Integer.MAX_VALUE)).longValue();
      // Lengths count code points, as the library's minLength/maxLength do.
      return value -> value instanceof String text && text.codePointCount(0, text.length()) >= min
          && text.codePointCount(0, text.length()) <= max;
    }
    if ("integer".equals(type) && Set.of("type", "minimum", "maximum").containsAll(keywords)
        && (schema.getValue("minimum") == null || schema.getValue("minimum") instanceof Number)
        && (schema.getValue("maximum") == null || schema.getValue("maximum") instanceof Number)) {
      double min = schema.getValue("minimum") instanceof Number n ? n.doubleValue() : Double.NEGATIVE_INFINITY;
      double max = schema.getValue("maximum") instanceof Number n ? n.doubleValue() : Double.POSITIVE_INFINITY;
      return value -> value instanceof Long whole && whole >= min && whole <= max;
    }
    return null;
  }

  private static boolean isWhole(Object value) {
    return value instanceof Integer || value instanceof Long;
  }
}
