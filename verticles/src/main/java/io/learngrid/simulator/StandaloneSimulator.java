package io.learngrid.simulator;

import io.learngrid.config.ConfigException;
import io.learngrid.config.SettingsReader;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The AI simulator as a process of its own ({@code java -jar learngrid.jar simulator}): the upstream
 * of a compose stack or a load test, where no dev node is there to start it.
 */
public final class StandaloneSimulator implements AutoCloseable {

  public static final String HOST = "LEARNGRID_SIM_HOST";
  public static final String PORT = "LEARNGRID_SIM_PORT";
  public static final int DEFAULT_PORT = 8089;
  /** Every interface, like LEARNGRID_HTTP_HOST: this command exists to serve other containers and hosts. */
  public static final String DEFAULT_HOST = "0.0.0.0";

  private final Vertx vertx;
  private final AiSimulatorVerticle verticle;

  private StandaloneSimulator(Vertx vertx, AiSimulatorVerticle verticle) {
    this.vertx = vertx;
    this.verticle = verticle;
  }

  /** LEARNGRID_SIM_HOST and LEARNGRID_SIM_PORT (0 picks a free port), then the timing and fault keys. */
  public static SimulatorSettings settings(SettingsReader s) {
    return withTimingAndFaults(s, SimulatorSettings.defaults()
        .withHost(s.string(HOST, DEFAULT_HOST))
        .withPort(s.integer(PORT, DEFAULT_PORT, 0, 65_535)));
  }

  /**
   * The keys the dev node's simulator reads too: LEARNGRID_SIM_FIRST_TOKEN_MS, _TOKEN_MS, _MAX_TOKENS, _SEED,
   * _ERROR_RATE, _429_RATE, _RETRY_AFTER_SECONDS, _HANG_RATE, _DISCONNECT_RATE, _FLAGGED_WORDS.
   */
  public static SimulatorSettings withTimingAndFaults(SettingsReader s, SimulatorSettings base) {
    double errorRate = s.fraction("LEARNGRID_SIM_ERROR_RATE", 0);
    double rateLimitRate = s.fraction("LEARNGRID_SIM_429_RATE", 0);
    double hangRate = s.fraction("LEARNGRID_SIM_HANG_RATE", 0);
    double disconnectRate = s.fraction("LEARNGRID_SIM_DISCONNECT_RATE", 0);
    // All faults come out of one uniform draw (FaultInjector), so together they cannot exceed 1.
    if (errorRate + rateLimitRate + hangRate + disconnectRate > 1.0) {
      throw new ConfigException("LEARNGRID_SIM_429_RATE", "plus LEARNGRID_SIM_ERROR_RATE, _HANG_RATE and"
          + " _DISCONNECT_RATE is more than 1");
    }
    return base
        .withTiming(s.longValue("LEARNGRID_SIM_FIRST_TOKEN_MS", 200, 0, 600_000),
            s.longValue("LEARNGRID_SIM_TOKEN_MS", 20, 0, 60_000))
        .withFaults(errorRate, rateLimitRate)
        .withHangs(hangRate, disconnectRate)
        .withRetryAfter(s.integer("LEARNGRID_SIM_RETRY_AFTER_SECONDS", 1, 0, 3_600))
        .withSeed(s.longValue("LEARNGRID_SIM_SEED", base.seed(), Long.MIN_VALUE, Long.MAX_VALUE))
        .withMaxTokens(s.integer("LEARNGRID_SIM_MAX_TOKENS", base.maxTokens(), 1, 100_000))
        .withFlaggedWords(s.string("LEARNGRID_SIM_FLAGGED_WORDS", String.join(",", base.flaggedWords())).split(","));
  }

  /**
   * Deploys the simulator on a Vert.x of its own and waits for its port, on the caller's thread (the
   * launcher's main thread). When the port cannot be bound, Vert.x is closed before the failure is
   * thrown: closing from a callback of that same Vert.x would leave the failure undelivered.
   */
  public static StandaloneSimulator start(SimulatorSettings settings) throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    AiSimulatorVerticle verticle = new AiSimulatorVerticle(settings);
    try {
      vertx.deployVerticle(verticle).await(1, TimeUnit.MINUTES);
      return new StandaloneSimulator(vertx, verticle);
    } catch (Exception e) {
      vertx.close().await(30, TimeUnit.SECONDS);
      throw e;
    }
  }

  /** The bound port (useful with LEARNGRID_SIM_PORT=0). */
  public int port() {
    return verticle.actualPort();
  }

  /** Stops the HTTP server (its verticle's stop) and Vert.x; called from the SIGTERM hook. */
  @Override
  public void close() throws TimeoutException {
    vertx.close().await(30, TimeUnit.SECONDS);
  }
}
