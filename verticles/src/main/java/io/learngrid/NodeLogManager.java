package io.learngrid;

import java.util.logging.LogManager;

/**
 * The JDK resets logging from its own shutdown hook, which races ours: the lines that say the node,
 * PostgreSQL and Redis stopped were lost. This manager ignores that reset; {@link Main}'s hook
 * flushes and resets once the node is down.
 */
public final class NodeLogManager extends LogManager {

  private static final String JDK_CLEANER = "java.util.logging.LogManager$Cleaner";

  @Override
  public void reset() {
    if (!Thread.currentThread().getClass().getName().equals(JDK_CLEANER)) {
      super.reset();
    }
  }

  /** The reset the JDK would have done, at the end of our own shutdown. */
  void resetAfterShutdown() {
    super.reset();
  }
}
