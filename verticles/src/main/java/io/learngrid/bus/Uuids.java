package io.learngrid.bus;

import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Ids on the bus and in the API are UUIDs written as text. One check for all roles: the canonical
 * 8-4-4-4-12 hex form only ({@link UUID#fromString} alone also takes {@code 1-2-3-4-5}).
 */
public final class Uuids {

  private static final Pattern CANONICAL =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private Uuids() {}

  /** Whether {@code text} is a UUID in canonical form (either case); false for null. */
  public static boolean isUuid(String text) {
    return text != null && CANONICAL.matcher(text).matches();
  }

  /** The canonical lowercase form of an id that {@link #isUuid} accepts. */
  public static String normalize(String id) {
    return id.toLowerCase(Locale.ROOT);
  }

  /** The UUID {@code text} names, or null when it is null or not a UUID in canonical form. */
  public static UUID parse(String text) {
    return isUuid(text) ? UUID.fromString(text) : null;
  }
}
