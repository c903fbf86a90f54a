package io.learngrid.persistence;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A bounded map that forgets the least recently used entry first. Not thread-safe: each instance
 * belongs to one verticle and is used only on its event loop.
 */
final class Lru<K, V> extends LinkedHashMap<K, V> {

  private final int capacity;

  Lru(int capacity) {
    super(Math.min(capacity, 1 << 16), 0.75f, true);
    this.capacity = capacity;
  }

  @Override
  protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
    return size() > capacity;
  }
}
