package io.learngrid.bus;

/**
 * Extends the load lock of {@code key} to {@code lockMillis} from now, if {@code lockToken} still
 * holds it: a holder whose load takes long keeps a short lock alive, so that if it dies the lock
 * lapses soon. Replies {@link Done} either way.
 */
public record CacheLockRenew(String key, String lockToken, long lockMillis) implements BusMessage {
  public static final String ADDRESS = "learngrid.cache.lock.renew";
}
