package io.learngrid.bus;

/**
 * The Idempotency-Key of a creating request, carried inside the create message so that the store
 * records the response in the same transaction as what it creates. {@code requestHash} is the
 * base64 SHA-256 of the method, path and body: the same key with another hash is a misuse (422).
 */
public record Idempotency(String key, String requestHash) {}
