package io.learngrid.bus.cache;

import io.learngrid.bus.BusMessage;

/**
 * Reply to {@link AiAdmit}: {@code admitted}, or the 0-based index of the budget that refused
 * ({@code refused}, -1 when none) with its spent and reserved tokens ({@code used}); and the lookup's
 * result as {@link CacheEntry} gives it (all null/0 without a lookup or when refused).
 */
public record AiAdmission(boolean admitted, int refused, long used, String value, long generation,
                          String lockToken) implements BusMessage {}
