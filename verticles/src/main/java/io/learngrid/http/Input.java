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
 * the fields that are wrong. Call {@link #validate()} once all fields are read.
 *
 * <p>Shape and bounds are the contract's alone (openapi.yaml, checked by {@link ContractValidation}
 * before the route runs): required fields, types, lengths, ranges, enums and unknown fields. Input
 * starts from what the contract found, reads typed values, and adds only what the contract cannot
 * say: cross-field rules (an answer that is not one of the choices) and the few gaps listed in
 * {@code http/contract/package-info.java} ({@link #email}, {@link #textWithin}). A field the
 * contract already refused is not read further, so each field is named once, and an array the
 * contract refused (too many items) is not walked item by item. The
 * type checks left here only keep the extraction safe; the contract has reported those fields.
 */
public final class Input {

  public static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");

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

  /** The body as a JSON object, or a 400. */
  public static Input of(RoutingContext ctx) {
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
    return new Input(body, "", found, named);
  }

  /** A required string (its length is the contract's). */
  public String text(String field) {
    return text(field, true);
  }

  public String optionalText(String field) {
    return text(field, false);
  }

  /**
   * A required string of {@code min..max} characters, for a bound the contract does not hold:
   * narrower than its schema (ids are ours: UUIDs) or one it cannot check (see package-info of
   * http/contract). Characters are code points, as the contract's minLength/maxLength count them.
   */
  public String textWithin(String field, int min, int max) {
    String text = text(field, true);
    if (text == null) {
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

  private String text(String field, boolean required) {
    if (refused(field)) {
      return null;
    }
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
    return text;
  }

  /**
   * An email address, trimmed and lowercased. A gap of the contract: 5.0.8's {@code format: email}
   * cannot take an empty string, so the validator's copy checks the format of non-empty strings
   * only and {@code ""} passes it; this check refuses it (and anything the pattern refuses).
   */
  public String email(String field) {
    String email = textWithin(field, 3, 254);
    if (email == null) {
      return null;
    }
    if (!EMAIL.matcher(email).matches()) {
      add(field, "must be an email address");
      return null;
    }
    return email.trim().toLowerCase(Locale.ROOT);
  }

  /**
   * A required answer: a string (its length is the contract's AnswerValue, NUL characters the
   * contract check's StorableText rule) or a finite JSON number.
   */
  public Object answer(String field) {
    if (refused(field)) {
      return null;
    }
    Object value = body.getValue(field);
    if (value == null) {
      errors.add(new FieldError(prefix + field, "is required"));
      return null;
    }
    if (value instanceof String text) {
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
    if (refused(field)) {
      return null;
    }
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

  /** A required whole number (its range is the contract's). */
  public Integer integer(String field) {
    if (refused(field)) {
      return null;
    }
    Object value = body.getValue(field);
    if (value == null) {
      add(field, "is required");
      return null;
    }
    if (!(value instanceof Number number) || number.doubleValue() != Math.rint(number.doubleValue())) {
      add(field, "must be a whole number");
      return null;
    }
    long whole = number.longValue();
    if (whole < Integer.MIN_VALUE || whole > Integer.MAX_VALUE) {
      add(field, "must be a whole number");
      return null;
    }
    return (int) whole;
  }

  /** An RFC 3339 timestamp with an offset, as an instant; absent or null reads as null. */
  public Instant optionalTimestamp(String field) {
    String text = optionalText(field);
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

  /** A required list of strings (its size and their lengths are the contract's). */
  public List<String> strings(String field) {
    if (refused(field)) {
      return null;
    }
    Object value = body.getValue(field);
    if (!(value instanceof JsonArray array)) {
      add(field, value == null ? "is required" : "must be an array");
      return null;
    }
    List<String> items = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof String item)) {
        add(field + "[" + i + "]", "must be a string");
        return null;
      }
      items.add(item);
    }
    return items;
  }

  public boolean has(String field) {
    return body.getValue(field) != null;
  }

  /** Whether the body names {@code field} at all, a null value included (a PATCH that clears it). */
  public boolean names(String field) {
    return body.containsKey(field);
  }

  /** The raw value of {@code field}, for checks that depend on other fields. */
  public Object raw(String field) {
    return body.getValue(field);
  }

  /** Records a problem found by a check of the caller's own. */
  public void reject(String field, String message) {
    add(field, message);
  }

  /** Each element of the required array {@code field}, read as an object (its size is the contract's). */
  public List<Input> objects(String field) {
    if (refused(field)) {
      return List.of();
    }
    Object value = body.getValue(field);
    if (value == null) {
      add(field, "is required");
      return List.of();
    }
    if (!(value instanceof JsonArray array)) {
      add(field, "must be an array");
      return List.of();
    }
    List<Input> items = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      String itemPrefix = prefix + field + "[" + i + "].";
      if (array.getValue(i) instanceof JsonObject item) {
        items.add(new Input(item, itemPrefix, errors, named));
      } else {
        add(field + "[" + i + "]", "must be an object");
      }
    }
    return items;
  }

  /** Whether the contract (or an earlier check) already named {@code field}: it is not read again. */
  private boolean refused(String field) {
    return named.contains(prefix + field);
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
