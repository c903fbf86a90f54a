package io.learngrid.support;

import io.learngrid.dev.EmbeddedPostgres;
import io.learngrid.dev.EmbeddedRedis;
import io.learngrid.simulator.AiSimulatorVerticle;
import io.learngrid.simulator.SimulatorSettings;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The real services every test talks to, started once per test JVM the same way the dev node
 * starts them: PostgreSQL and Redis from Maven artifacts, and the project's AI simulator.
 */
public final class TestServices {

  private static EmbeddedPostgres postgres;
  private static EmbeddedRedis redis;
  private static Vertx simulatorVertx;
  private static String simulatorUrl;
  private static Path root;

  private TestServices() {}

  public static synchronized void start() {
    if (postgres != null) {
      return;
    }
    try {
      root = Files.createDirectories(Path.of("target", "test-services").toAbsolutePath());
      Path run = Files.createTempDirectory(root, "run-");
      postgres = EmbeddedPostgres.start(root.resolve("pg-bin"), run.resolve("pg"), freePort());
      redis = EmbeddedRedis.start(run.resolve("redis"), freePort());
      simulatorVertx = Vertx.vertx();
      AiSimulatorVerticle simulator = new AiSimulatorVerticle(SimulatorSettings.defaults().withTiming(5, 1));
      simulatorVertx.deployVerticle(simulator).await(30, TimeUnit.SECONDS);
      simulatorUrl = "http://127.0.0.1:" + simulator.actualPort();
    } catch (Exception e) {
      throw new IllegalStateException("test services did not start: " + e.getMessage(), e);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(TestServices::stop, "test-services-stop"));
  }

  private static synchronized void stop() {
    try {
      simulatorVertx.close().await(10, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // the JVM is exiting; the simulator's sockets go with it
    }
    try {
      redis.stop();
    } catch (IOException ignored) {
      // the redis-server process is ended by its own shutdown hook as well
    }
    try {
      postgres.stop();
    } catch (IOException e) {
      System.err.println("could not stop test PostgreSQL: " + e.getMessage());
    }
  }

  public static String postgresUrl() {
    start();
    return postgres.url();
  }

  public static String redisUrl() {
    start();
    return redis.url();
  }

  public static String simulatorUrl() {
    start();
    return simulatorUrl;
  }

  /** Where the PostgreSQL binaries are unpacked, for a test that starts a server of its own. */
  public static Path postgresBinaries() {
    start();
    return root.resolve("pg-bin");
  }

  /** A directory for one test's own services (a Redis it may stop, say). */
  public static Path scratch(String name) {
    start();
    try {
      return Files.createTempDirectory(root, name + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A Redis of one test's own, on a free port, that the test may stop and start again. */
  public static EmbeddedRedis redisOfItsOwn(String name) {
    try {
      return EmbeddedRedis.start(scratch(name), freePort());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
