package io.learngrid.simulator;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;

/**
 * Settings of the AI upstream simulator.
 *
 * @param host             interface to bind, loopback by default so the simulator is never exposed by accident
 * @param port             TCP port, 0 picks an ephemeral port (read it back with {@link AiSimulatorVerticle#actualPort()})
 * @param firstTokenMillis latency before the first token, like a real model's time to first token
 * @param tokenMillis      delay between two tokens
 * @param errorRate        fraction (0..1) of chat requests answered 500 with an OpenAI error body
 * @param rateLimitRate    fraction (0..1) of chat requests answered 429 with {@code Retry-After: 1}
 * @param seed             seed of both the fault sequence and the generated words, so runs are reproducible
 * @param maxTokens        length of a generated prose answer, in tokens (one word is one token)
 * @param retryAfterSeconds the {@code Retry-After} of an injected 429
 * @param hangRate         fraction (0..1) of chat requests accepted and never answered (until the client gives up)
 * @param disconnectRate   fraction (0..1) of streamed chat requests whose connection drops after half the tokens
 * @param flaggedWords     {@code /v1/moderations} flags an input that contains one of these words (case-insensitive)
 */
public record SimulatorSettings(
    String host,
    int port,
    long firstTokenMillis,
    long tokenMillis,
    double errorRate,
    double rateLimitRate,
    long seed,
    int maxTokens,
    int retryAfterSeconds,
    double hangRate,
    double disconnectRate,
    List<String> flaggedWords) {

  public SimulatorSettings {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host must not be blank");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be 0..65535, was " + port);
    }
    if (firstTokenMillis < 0) {
      throw new IllegalArgumentException("firstTokenMillis must be >= 0, was " + firstTokenMillis);
    }
    if (tokenMillis < 0) {
      throw new IllegalArgumentException("tokenMillis must be >= 0, was " + tokenMillis);
    }
    requireFraction("errorRate", errorRate);
    requireFraction("rateLimitRate", rateLimitRate);
    requireFraction("hangRate", hangRate);
    requireFraction("disconnectRate", disconnectRate);
    // All faults are carved out of one uniform draw, so together they cannot exceed every request.
    if (errorRate + rateLimitRate + hangRate + disconnectRate > 1.0) {
      throw new IllegalArgumentException("errorRate + rateLimitRate + hangRate + disconnectRate must be <= 1, was "
          + (errorRate + rateLimitRate + hangRate + disconnectRate));
    }
    if (retryAfterSeconds < 0) {
      throw new IllegalArgumentException("retryAfterSeconds must be >= 0, was " + retryAfterSeconds);
    }
    if (maxTokens < 1) {
      throw new IllegalArgumentException("maxTokens must be >= 1, was " + maxTokens);
    }
    flaggedWords = flaggedWords == null ? List.of()
        : flaggedWords.stream().map(word -> word.toLowerCase(Locale.ROOT)).filter(word -> !word.isBlank()).toList();
  }

  /** What the default settings' moderation flags: a word to try moderation with on the dev node. */
  public static final String DEFAULT_FLAGGED_WORD = "simulator-flag";

  public static SimulatorSettings defaults() {
    return new SimulatorSettings("127.0.0.1", 0, 20, 5, 0.0, 0.0, 42L, 40, 1, 0.0, 0.0, List.of(DEFAULT_FLAGGED_WORD));
  }

  /**
   * Reads settings from a verticle or launcher config; absent keys keep their {@link #defaults()} value.
   * Keys are the record component names.
   */
  public static SimulatorSettings fromJson(JsonObject json) {
    SimulatorSettings d = defaults();
    if (json == null) {
      return d;
    }
    return new SimulatorSettings(
        json.getString("host", d.host()),
        json.getInteger("port", d.port()),
        json.getLong("firstTokenMillis", d.firstTokenMillis()),
        json.getLong("tokenMillis", d.tokenMillis()),
        json.getDouble("errorRate", d.errorRate()),
        json.getDouble("rateLimitRate", d.rateLimitRate()),
        json.getLong("seed", d.seed()),
        json.getInteger("maxTokens", d.maxTokens()),
        json.getInteger("retryAfterSeconds", d.retryAfterSeconds()),
        json.getDouble("hangRate", d.hangRate()),
        json.getDouble("disconnectRate", d.disconnectRate()),
        json.containsKey("flaggedWords")
            ? json.getJsonArray("flaggedWords").stream().map(String::valueOf).toList() : d.flaggedWords());
  }

  public SimulatorSettings withHost(String host) {
    return new SimulatorSettings(host, port, firstTokenMillis, tokenMillis, errorRate, rateLimitRate, seed, maxTokens,
        retryAfterSeconds, hangRate, disconnectRate, flaggedWords);
  }

  public SimulatorSettings withPort(int port) {
    return new SimulatorSettings(host, port, firstTokenMillis, tokenMillis, errorRate, rateLimitRate, seed, maxTokens,
        retryAfterSeconds, hangRate, disconnectRate, flaggedWords);
  }

  public SimulatorSettings withTiming(long firstTokenMillis, long tokenMillis) {
    return new SimulatorSettings(host, port, firstTokenMillis, tokenMillis, errorRate, rateLimitRate, seed, maxTokens,
        retryAfterSeconds, hangRate, disconnectRate, flaggedWords);
  }

  public SimulatorSettings withFaults(double errorRate, double rateLimitRate) {
    return new SimulatorSettings(host, port, firstTokenMillis, tokenMillis, errorRate, rateLimitRate, seed, maxTokens,
        retryAfterSeconds, hangRate, disconnectRate, flaggedWords);
  }

  public SimulatorSettings withSeed(long seed) {
    return new SimulatorSettings(host, port, firstTokenMillis, tokenMillis, errorRate, rateLimitRate, seed, maxTokens,
        retryAfterSeconds, hangRate, disconnectRate, flaggedWords);
  }

  public SimulatorSettings withMaxTokens(int maxTokens) {
    return new SimulatorSettings(host, port, firstTokenMillis, tokenMillis, errorRate, rateLimitRate, seed, maxTokens,
        retryAfterSeconds, hangRate, disconnectRate, flaggedWords);
  }

  public SimulatorSettings withRetryAfter(int retryAfterSeconds) {
    return new SimulatorSettings(host, port, firstTokenMillis, tokenMillis, errorRate, rateLimitRate, seed, maxTokens,
        retryAfterSeconds, hangRate, disconnectRate, flaggedWords);
  }

  public SimulatorSettings withFlaggedWords(String... words) {
    return new SimulatorSettings(host, port, firstTokenMillis, tokenMillis, errorRate, rateLimitRate, seed, maxTokens,
        retryAfterSeconds, hangRate, disconnectRate, List.of(words));
  }

  public SimulatorSettings withHangs(double hangRate, double disconnectRate) {
    return new SimulatorSettings(host, port, firstTokenMillis, tokenMillis, errorRate, rateLimitRate, seed, maxTokens,
        retryAfterSeconds, hangRate, disconnectRate, flaggedWords);
  }

  private static void requireFraction(String field, double value) {
    // The negated form also rejects NaN.
    if (!(value >= 0.0 && value <= 1.0)) {
      throw new IllegalArgumentException(field + " must be within 0..1, was " + value);
    }
  }
}
