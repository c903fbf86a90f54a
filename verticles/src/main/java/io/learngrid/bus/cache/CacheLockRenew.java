package io.learngrid.bus.cache;

import io.learngrid.bus.Endpoint;
import io.learngrid.bus.BusMessage;
import io.learngrid.bus.Done;

/**
 * Extends the load lock of {@code key} to {@code lockMillis} from now, if {@code lockToken} still
 * holds it: a holder whose load takes long keeps a short lock alive, so that if it dies the lock
 * lapses soon. Replies {@link Done} either way.
 */
public record CacheLockRenew(String key, String lockToken, long lockMillis) implements BusMessage {
  public static final String ADDRESS = "learngrid.cache.lock.renew";
  public static final Endpoint<CacheLockRenew, Done> ENDPOINT = Endpoint.of(ADDRESS, CacheLockRenew.class, Done.class);
}
