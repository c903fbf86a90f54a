package io.learngrid.support;

import io.learngrid.simulator.AiSimulatorVerticle;
import io.learngrid.simulator.SimulatorSettings;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/**
 * The project's AI simulator as upstreams of one test class, on a Vert.x instance of their own
 * (closing it stops them all): {@code @CloseAfterAll static final Simulators upstreams = new Simulators();}.
 */
public final class Simulators implements AutoCloseable {

  private final Vertx vertx = Vertx.vertx();

  /** Starts a simulator; ask it what it counted (chat requests, cancelled streams) or plan its faults. */
  public AiSimulatorVerticle start(SimulatorSettings settings) {
    AiSimulatorVerticle simulator = new AiSimulatorVerticle(settings);
    try {
      vertx.deployVerticle(simulator).await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("simulator did not start: " + e.getMessage(), e);
    }
    return simulator;
  }

  /** The base URL of a started simulator, for {@link NodeSettings#aiUrl} and {@link NodeSettings#aiUpstream}. */
  public static String url(AiSimulatorVerticle simulator) {
    return "http://127.0.0.1:" + simulator.actualPort();
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }
}
