package io.learngrid.http;

import io.learngrid.http.ProblemException.FieldError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a JSON request body field by field, collecting every problem so that one 400 names all
 * the fields that are wrong. Call {@link #validate()} once all fields are read.
 */
final class Input {

  private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");

  private final JsonObject body;
  private final String prefix;
  private final List<FieldError> errors;

  private Input(JsonObject body, String prefix, List<FieldError> errors) {
    this.body = body;
    this.prefix = prefix;
    this.errors = errors;
  }

  /** The body as a JSON object whose only fields are {@code allowed}, or a 400. */
  static Input of(RoutingContext ctx, Set<String> allowed) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      throw new ProblemException(400, "the body must be a JSON object");
    }
    if (body == null) {
      throw new ProblemException(400, "the body must be a JSON object");
    }
    Input input = new Input(body, "", new ArrayList<>());
    input.onlyFields(allowed);
    return input;
  }

  private void onlyFields(Set<String> allowed) {
    for (String field : body.fieldNames()) {
      if (!allowed.contains(field)) {
        errors.add(new FieldError(prefix + field, "is not a known field"));
      }
    }
  }

  String text(String field, int min, int max) {
    return text(field, min, max, true);
  }

  String optionalText(String field, int min, int max) {
    return text(field, min, max, false);
  }

  private String text(String field, int min, int max, boolean required) {
    Object value = body.getValue(field);
    if (value == null) {
      if (required) {
        errors.add(new FieldError(prefix + field, "is required"));
      }
      return null;
    }
    if (!(value instanceof String text)) {
      errors.add(new FieldError(prefix + field, "must be a string"));
      return null;
    }
    int length = text.codePointCount(0, text.length());
    if (length < min || length > max) {
      errors.add(new FieldError(prefix + field, min == max ? "must be " + min + " characters"
          : "must be " + min + " to " + max + " characters long"));
      return null;
    }
    return text;
  }

  String email(String field) {
    String email = text(field, 3, 254);
    if (email == null) {
      return null;
    }
    if (!EMAIL.matcher(email).matches()) {
      errors.add(new FieldError(prefix + field, "must be an email address"));
      return null;
    }
    return email.trim().toLowerCase(Locale.ROOT);
  }

  String oneOf(String field, Set<String> allowed, boolean required) {
    String value = text(field, 1, 64, required);
    if (value != null && !allowed.contains(value)) {
      errors.add(new FieldError(prefix + field, "must be one of " + String.join(", ", allowed.stream().sorted().toList())));
      return null;
    }
    return value;
  }

  /** A required answer: a string of at most {@code maxLength} characters or a finite JSON number. */
  Object answer(String field, int maxLength) {
    Object value = body.getValue(field);
    if (value == null) {
      errors.add(new FieldError(prefix + field, "is required"));
      return null;
    }
    if (value instanceof String text) {
      if (text.codePointCount(0, text.length()) > maxLength) {
        errors.add(new FieldError(prefix + field, "must be at most " + maxLength + " characters long"));
        return null;
      }
      // PostgreSQL cannot store NUL in text or jsonb.
      if (text.indexOf('\0') >= 0) {
        errors.add(new FieldError(prefix + field, "must not contain NUL characters"));
        return null;
      }
      return text;
    }
    if (value instanceof Number number && (number instanceof java.math.BigDecimal || number instanceof java.math.BigInteger
        || Double.isFinite(number.doubleValue()))) {
      return number;
    }
    errors.add(new FieldError(prefix + field, "must be a string or a finite number"));
    return null;
  }

  Boolean optionalBoolean(String field) {
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof Boolean flag)) {
      errors.add(new FieldError(prefix + field, "must be true or false"));
      return null;
    }
    return flag;
  }

  /** Each element of the array {@code field}, read as an object with its own allowed fields. */
  List<Input> objects(String field, int min, int max, Set<String> allowed) {
    Object value = body.getValue(field);
    if (value == null) {
      errors.add(new FieldError(prefix + field, "is required"));
      return List.of();
    }
    if (!(value instanceof JsonArray array)) {
      errors.add(new FieldError(prefix + field, "must be an array"));
      return List.of();
    }
    if (array.size() < min || array.size() > max) {
      errors.add(new FieldError(prefix + field, "must have " + min + " to " + max + " items"));
      return List.of();
    }
    List<Input> items = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      String itemPrefix = prefix + field + "[" + i + "].";
      if (array.getValue(i) instanceof JsonObject item) {
        Input input = new Input(item, itemPrefix, errors);
        input.onlyFields(allowed);
        items.add(input);
      } else {
        errors.add(new FieldError(prefix + field + "[" + i + "]", "must be an object"));
      }
    }
    return items;
  }

  /** Throws the 400 that lists every problem found so far. */
  void validate() {
    if (!errors.isEmpty()) {
      throw ProblemException.validation(errors);
    }
  }
}
