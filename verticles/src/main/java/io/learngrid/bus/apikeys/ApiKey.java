package io.learngrid.bus.apikeys;

import io.learngrid.bus.BusMessage;
import java.util.List;

/**
 * One API key as its owner sees it, without the key itself (that exists only in the create reply).
 * {@code dailyTokens} null: no budget of its own (the owner's still applies); {@code models} null:
 * every model. Timestamps are RFC 3339.
 */
public record ApiKey(String id, String userId, String name, Long dailyTokens, List<String> models, String createdAt,
                     String lastUsedAt) implements BusMessage {}
