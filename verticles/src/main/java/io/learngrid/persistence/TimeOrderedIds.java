package io.learngrid.persistence;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * UUID version 7 (RFC 9562): a millisecond timestamp, then random bits. Ids of listed things are
 * made here so that id order is creation order: keyset pages stay chronological, a row created
 * while a client pages appears on a later page rather than behind its cursor, and inserts append
 * to the primary-key index instead of scattering over it.
 */
final class TimeOrderedIds {

  private static final SecureRandom RANDOM = new SecureRandom();

  private TimeOrderedIds() {}

  static UUID next() {
    long millis = System.currentTimeMillis();
    long random = RANDOM.nextLong();
    long most = (millis << 16) | 0x7000L | ((random >>> 52) & 0x0FFFL);
    long least = (RANDOM.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(most, least);
  }
}
