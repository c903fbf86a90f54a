package io.learngrid.http.contract;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** JSON pointers as vertx-json-schema writes them in its findings (into the value and into the schema). */
final class JsonPointers {

  private JsonPointers() {}

  static String parent(String pointer) {
    int slash = pointer.lastIndexOf('/');
    return slash < 0 ? "" : pointer.substring(0, slash);
  }

  static String last(String pointer) {
    return pointer == null ? "" : pointer.substring(pointer.lastIndexOf('/') + 1);
  }

  static String lastPointerSegment(String pointer) {
    List<String> segments = segments(pointer);
    return segments.isEmpty() ? "" : segments.get(segments.size() - 1);
  }

  static int parseIndex(String segment) {
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
