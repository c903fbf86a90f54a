package io.learngrid.http;

import io.learngrid.http.ProblemException.FieldError;
import io.learngrid.http.contract.ContractValidation;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a JSON request body field by field, collecting every problem so that one 400 names all
 * the fields that are wrong. Call {@link #validate()} once all fields are read. It starts from
 * what {@link ContractValidation} already found in the request and adds what only code can check
 * (cross-field rules); each field is named once, with the first problem found for it.
 */
public final class Input {

  private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");

  private final JsonObject body;
  private final String prefix;
  private final List<FieldError> errors;
  private final Set<String> named;

  private Input(JsonObject body, String prefix, List<FieldError> errors, Set<String> named) {
    this.body = body;
    this.prefix = prefix;
    this.errors = errors;
    this.named = named;
  }

  /** The body as a JSON object whose only fields are {@code allowed}, or a 400. */
  public static Input of(RoutingContext ctx, Set<String> allowed) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      throw new ProblemException(400, "the body must be a JSON object");
    }
    if (body == null) {
      throw new ProblemException(400, "the body must be a JSON object");
    }
    List<FieldError> found = new ArrayList<>(ContractValidation.takeDeferred(ctx));
    Set<String> named = new HashSet<>();
    found.forEach(error -> named.add(error.field()));
    Input input = new Input(body, "", found, named);
    input.onlyFields(allowed);
    return input;
  }

  private void onlyFields(Set<String> allowed) {
    for (String field : body.fieldNames()) {
      if (!allowed.contains(field)) {
        add(field, "is not a known field");
      }
    }
  }

  public String text(String field, int min, int max) {
    return text(field, min, max, true);
  }

  public String optionalText(String field, int min, int max) {
    return text(field, min, max, false);
  }

  private String text(String field, int min, int max, boolean required) {
    Object value = body.getValue(field);
    if (value == null) {
      if (required) {
        add(field, "is required");
      }
      return null;
    }
    if (!(value instanceof String text)) {
      add(field, "must be a string");
      return null;
    }
    int length = text.codePointCount(0, text.length());
    if (length < min || length > max) {
      add(field, min == max ? "must be " + min + " characters"
          : "must be " + min + " to " + max + " characters long");
      return null;
    }
    return text;
  }

  public String email(String field) {
    String email = text(field, 3, 254);
    if (email == null) {
      return null;
    }
    if (!EMAIL.matcher(email).matches()) {
      add(field, "must be an email address");
      return null;
    }
    return email.trim().toLowerCase(Locale.ROOT);
  }

  public String oneOf(String field, Set<String> allowed, boolean required) {
    String value = text(field, 1, 64, required);
    if (value != null && !allowed.contains(value)) {
      add(field, "must be one of " + String.join(", ", allowed.stream().sorted().toList()));
      return null;
    }
    return value;
  }

  /** A required answer: a string of at most {@code maxLength} characters or a finite JSON number. */
  public Object answer(String field, int maxLength) {
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
    if (value instanceof Number number && (number instanceof BigDecimal || number instanceof BigInteger
        || Double.isFinite(number.doubleValue()))) {
      return number;
    }
    errors.add(new FieldError(prefix + field, "must be a string or a finite number"));
    return null;
  }

  public Boolean optionalBoolean(String field) {
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof Boolean flag)) {
      add(field, "must be true or false");
      return null;
    }
    return flag;
  }

  /** A whole number in {@code min..max}, or null (with an error when required). */
  public Integer integer(String field, int min, int max, boolean required) {
    Object value = body.getValue(field);
    if (value == null) {
      if (required) {
        add(field, "is required");
      }
      return null;
    }
    if (!(value instanceof Number number) || number.doubleValue() != Math.rint(number.doubleValue())) {
      add(field, "must be a whole number");
      return null;
    }
    long whole = number.longValue();
    if (whole < min || whole > max) {
      add(field, "must be from " + min + " to " + max);
      return null;
    }
    return (int) whole;
  }

  /** An RFC 3339 timestamp with an offset, as an instant; absent or null reads as null. */
  public Instant optionalTimestamp(String field) {
    String text = optionalText(field, 1, 64);
    if (text == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      add(field, "must be an RFC 3339 date-time such as 2026-01-31T23:59:00Z");
      return null;
    }
  }

  /** A list of {@code min..max} strings of {@code minLength..maxLength} characters each. */
  public List<String> strings(String field, int min, int max, int minLength, int maxLength) {
    Object value = body.getValue(field);
    if (!(value instanceof JsonArray array)) {
      add(field, value == null ? "is required" : "must be an array");
      return null;
    }
    if (array.size() < min || array.size() > max) {
      add(field, "must have " + min + " to " + max + " items");
      return null;
    }
    List<String> items = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      // Characters are code points, as the contract's minLength/maxLength count them.
      if (!(array.getValue(i) instanceof String item) || item.codePointCount(0, item.length()) < minLength
          || item.codePointCount(0, item.length()) > maxLength) {
        add(field + "[" + i + "]",
            "must be a string of " + minLength + " to " + maxLength + " characters");
        return null;
      }
      items.add(item);
    }
    return items;
  }

  public boolean has(String field) {
    return body.getValue(field) != null;
  }

  /** The raw value of {@code field}, for checks that depend on other fields. */
  public Object raw(String field) {
    return body.getValue(field);
  }

  /** Records a problem found by a check of the caller's own. */
  public void reject(String field, String message) {
    add(field, message);
  }

  /** Each element of the array {@code field}, read as an object with its own allowed fields. */
  public List<Input> objects(String field, int min, int max, Set<String> allowed) {
    Object value = body.getValue(field);
    if (value == null) {
      add(field, "is required");
      return List.of();
    }
    if (!(value instanceof JsonArray array)) {
      add(field, "must be an array");
      return List.of();
    }
    if (array.size() < min || array.size() > max) {
      add(field, "must have " + min + " to " + max + " items");
      return List.of();
    }
    List<Input> items = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      String itemPrefix = prefix + field + "[" + i + "].";
      if (array.getValue(i) instanceof JsonObject item) {
        Input input = new Input(item, itemPrefix, errors, named);
        input.onlyFields(allowed);
        items.add(input);
      } else {
        add(field + "[" + i + "]", "must be an object");
      }
    }
    return items;
  }

  /** Records a problem of {@code field} unless that field already has one. */
  private void add(String field, String message) {
    if (named.add(prefix + field)) {
      errors.add(new FieldError(prefix + field, message));
    }
  }

  /** Throws the 400 that lists every problem found so far. */
  public void validate() {
    if (!errors.isEmpty()) {
      throw ProblemException.validation(errors);
    }
  }
}
