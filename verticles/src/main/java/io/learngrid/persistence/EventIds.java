package io.learngrid.persistence;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Answer event ids are UUIDv7 (RFC 9562): the millisecond time first, then randomness. New ids
 * sort after older ones, so the primary-key index of answer_events grows at its right edge
 * instead of taking writes on random pages.
 */
final class EventIds {

  private EventIds() {}

  static UUID next(long epochMillis) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = (epochMillis << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
    long low = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(high, low);
  }
}
