package io.learngrid.bus.apikeys;

import io.learngrid.bus.BusMessage;
import java.util.List;

/**
 * A live key as an http node checks it: the hex SHA-256 of the key, whose it is (and that account's
 * role), its budget and model allow-list (null: none), and when it was made (epoch ms: a revocation
 * of the owner's tokens after it refuses the key too).
 */
public record ActiveApiKey(String id, String userId, String role, String keyHash, Long dailyTokens,
                           List<String> models, long createdAtMillis) implements BusMessage {}
