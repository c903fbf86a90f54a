package io.learngrid.bus.cache;

import io.learngrid.bus.BusMessage;
import java.util.List;

/** Reply to {@link AiSettle}: each budget's tokens spent today, in the order of its keys. */
public record AiSettled(List<Long> spent) implements BusMessage {}
