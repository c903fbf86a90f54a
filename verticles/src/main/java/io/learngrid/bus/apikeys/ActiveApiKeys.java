package io.learngrid.bus.apikeys;

import io.learngrid.bus.BusMessage;
import java.util.List;

/** Reply to {@link LoadApiKeys}. */
public record ActiveApiKeys(List<ActiveApiKey> items) implements BusMessage {}
