package io.learngrid.bus.apikeys;

import io.learngrid.bus.BusMessage;
import java.util.List;

/** Reply to {@link ListApiKeys}. */
public record ApiKeyList(List<ApiKey> items) implements BusMessage {}
