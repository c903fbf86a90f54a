package io.learngrid.persistence;

import java.security.SecureRandom;
import java.util.Locale;

/**
 * Course join codes: 8 characters a pupil can read off a board and type, without the look-alikes
 * 0/O, 1/I/L (31 symbols, about 40 bits: guessing is far beyond the enrollment rate limit).
 */
final class JoinCodes {

  private static final char[] ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789".toCharArray();
  private static final int LENGTH = 8;
  private static final SecureRandom RANDOM = new SecureRandom();

  private JoinCodes() {}

  static String next() {
    char[] code = new char[LENGTH];
    for (int i = 0; i < LENGTH; i++) {
      code[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
    }
    return new String(code);
  }

  /** Typed codes match in any case and with surrounding blanks. */
  static boolean matches(String stored, String typed) {
    return stored != null && typed != null && stored.equals(typed.strip().toUpperCase(Locale.ROOT));
  }
}
