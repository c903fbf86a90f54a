package io.learngrid.support;

import java.util.function.BooleanSupplier;

/**
 * Waits for a condition that another process brings about (a server coming back), checking it
 * repeatedly until a deadline; it never stands in for synchronisation we could observe directly.
 */
public final class Eventually {

  private Eventually() {}

  public static void within(int seconds, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + seconds + " s");
      }
      Thread.sleep(50);
    }
  }
}
