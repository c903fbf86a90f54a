package io.learngrid.http;

import io.learngrid.http.ProblemException.FieldError;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Opaque list cursors: the last id of a page, signed with a key derived from the node's shared
 * secret and bound to the list it came from. A cursor that was altered, forged or taken from
 * another list is a clean 400, never a query with attacker-chosen input.
 */
public final class Cursors {

  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
  private static final int MAC_BYTES = 16;

  private final SecretKeySpec key;

  public Cursors(String secret) {
    try {
      // A key of its own, so a cursor can never double as anything signed with the JWT secret.
      byte[] derived = MessageDigest.getInstance("SHA-256")
          .digest(("learngrid cursor key\n" + secret).getBytes(StandardCharsets.UTF_8));
      this.key = new SecretKeySpec(derived, "HmacSHA256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** The cursor that continues {@code list} after {@code lastId}. */
  String encode(String list, String lastId) {
    byte[] id = lastId.getBytes(StandardCharsets.UTF_8);
    byte[] mac = mac(list, id);
    byte[] token = Arrays.copyOf(mac, MAC_BYTES + id.length);
    System.arraycopy(id, 0, token, MAC_BYTES, id.length);
    return ENCODER.encodeToString(token);
  }

  /** The last id encoded in {@code cursor} for {@code list}; null for no cursor; a 400 when forged. */
  String decode(String list, String cursor) {
    if (cursor == null || cursor.isEmpty()) {
      return null;
    }
    byte[] token;
    try {
      token = cursor.length() <= 512 ? DECODER.decode(cursor) : null;
    } catch (IllegalArgumentException e) {
      token = null;
    }
    if (token == null || token.length <= MAC_BYTES) {
      throw invalid();
    }
    byte[] id = Arrays.copyOfRange(token, MAC_BYTES, token.length);
    if (!MessageDigest.isEqual(Arrays.copyOf(mac(list, id), MAC_BYTES), Arrays.copyOf(token, MAC_BYTES))) {
      throw invalid();
    }
    return new String(id, StandardCharsets.UTF_8);
  }

  private byte[] mac(String list, byte[] id) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      mac.update(list.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) 0);
      return mac.doFinal(id);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }

  private static ProblemException invalid() {
    return ProblemException.validation(List.of(new FieldError("cursor", "is not a cursor this list gave out")));
  }
}
