package io.learngrid;

import io.learngrid.config.ConfigException;
import io.learngrid.config.LearngridConfig;
import io.learngrid.config.LogFormat;
import io.learngrid.config.SettingsReader;
import io.learngrid.dev.DemoData;
import io.learngrid.dev.DevMail;
import io.learngrid.dev.DevServices;
import io.learngrid.logging.Logging;
import io.learngrid.simulator.SimulatorSettings;
import io.learngrid.simulator.StandaloneSimulator;
import io.vertx.core.Future;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code learngrid run|dev|services|simulator [--cluster] [--roles http,persistence,cache,ai] [--config FILE]}
 * ({@code ./learngrid} in a checkout, {@code java -jar learngrid.jar} elsewhere; {@link Launcher} comes first).
 * {@code run} is a production node; {@code dev} also starts PostgreSQL, Redis and the AI simulator
 * where their URLs are not set, and loads demo data; {@code simulator} runs only the AI simulator.
 */
public final class Main {

  private static final String USAGE = """
      usage: learngrid <command> [options]
        (./learngrid in a checkout, which finds a JDK 21+; else java -jar learngrid.jar)
        run        start a node (all settings from LEARNGRID_* variables or --config)
        dev        start a node with embedded PostgreSQL, Redis and AI simulator, and demo data
        services   start only dev's PostgreSQL, Redis and AI simulator, for nodes started with run
                   (writes their settings to LEARNGRID_DATA_DIR/services.env; bin/local-cluster)
        simulator  run only the AI simulator (LEARNGRID_SIM_* settings; takes only --config)
        help       show this text (also -h, --help)
      options:
        --cluster              join the cluster (Hazelcast, LEARNGRID_CLUSTER_CONFIG)
        --roles LIST           roles of this node: http,persistence,cache,ai (default: all)
        --config FILE          read LEARNGRID_* settings from FILE (the environment wins)
      docs/configuration.md lists every setting. To try learngrid on this machine: ./learngrid dev""";

  private static final String TRY_LOCALLY = "learngrid: nothing is set. To try learngrid on this machine, with"
      + " PostgreSQL, Redis and an AI simulator started for you: ./learngrid dev";

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    // Netty's first buffer chunk registers JFR event types, which loads all of JFR's metadata on
    // whichever event loop allocates first: 0.3 s idle, over 4 s on a busy machine, long enough
    // for a starting node's first PostgreSQL connection to time out. -Dio.netty.jfr.enabled=true
    // brings the events back for a profiling session.
    if (System.getProperty("io.netty.jfr.enabled") == null) {
      System.setProperty("io.netty.jfr.enabled", "false");
    }
    Arguments arguments;
    try {
      arguments = Arguments.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("learngrid: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    if (arguments.command().equals("help")) {
      System.out.println(USAGE);
      return;
    }
    DevServices dev = null;
    boolean nothingSet = false;
    try {
      SettingsReader given = SettingsReader.fromEnvironment(System.getenv(), arguments.configFile());
      nothingSet = given.isEmpty();
      SettingsReader settings = arguments.applyTo(given);
      // The one setting read ahead of the others: logging is set up before anything logs (a bad value
      // falls back to text here and is reported with the other problems below).
      Logging.configure(LogFormat.from(settings.collecting()));
      if (arguments.command().equals("simulator")) {
        SettingsReader checked = settings.collecting();
        SimulatorSettings simulatorSettings = StandaloneSimulator.settings(checked);
        checked.throwIfProblems();
        StandaloneSimulator simulator = StandaloneSimulator.start(simulatorSettings);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stopSimulator(simulator), "learngrid-shutdown"));
        return;
      }
      if (arguments.command().equals("services")) {
        DevServices.check(settings);
        runServices(DevServices.start(settings));
        return;
      }
      if (arguments.command().equals("dev")) {
        DevServices.check(settings);
        dev = DevServices.start(settings);
        settings = dev.settings();
      }
      LearngridConfig config = LearngridConfig.from(settings);
      DevServices services = dev;
      Node node = Node.start(config, vertx -> services == null && !config.demoData() ? Future.succeededFuture()
          : DemoData.load(vertx, config.auth()), services == null ? null : services.mail())
          .await(10, TimeUnit.MINUTES);
      onStop(() -> shutdown(node, services, config.shutdown()) ? 0 : 1);
      if (services != null) {
        printDevBanner(config, services.mail());
      }
    } catch (ConfigException e) {
      for (String problem : e.problems()) {
        System.err.println("learngrid: configuration error: " + problem);
      }
      if (nothingSet && arguments.command().equals("run")) {
        System.err.println(TRY_LOCALLY);
      }
      stopQuietly(dev);
      System.exit(2);
    } catch (Exception e) {
      LOG.error((arguments.command().equals("simulator") ? "AI simulator" : "node") + " failed to start: "
          + e.getClass().getSimpleName() + ": " + e.getMessage());
      // The cause in one line for the operator; the stack trace for whoever debugs an unexpected one.
      LOG.debug("start-up failure", e);
      stopQuietly(dev);
      System.exit(1);
    }
  }

  /**
   * SIGTERM and SIGINT (Ctrl-C) make the JVM run its shutdown hooks; this one runs {@code stop} (the
   * drain) there. Left to itself the JVM would then exit 143 (130 for Ctrl-C) whatever the drain
   * did, so the hook ends the process with {@code stop}'s status, 0 after a clean drain:
   * {@code Runtime.halt} is the one way to set the status from inside a shutdown hook
   * ({@code System.exit} would block there). Handled once: a second signal while draining changes
   * nothing; SIGKILL is the way to cut it short. Other shutdown hooks run alongside this one and
   * the halt ends them too: Hazelcast's is off (cluster-config), the node leaves the cluster itself.
   */
  private static void onStop(IntSupplier stop) {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> Runtime.getRuntime().halt(stop.getAsInt()),
        "learngrid-shutdown"));
  }

  /** True when the node drained and stopped within the grace period plus the shutdown timeout. */
  private static boolean shutdown(Node node, DevServices dev, LearngridConfig.Shutdown limits) {
    LOG.info("stopping node " + node.state().nodeId());
    boolean clean = true;
    try {
      node.stop().await(limits.graceMillis() + limits.timeoutMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      clean = false;
      LOG.warn("node did not stop within " + (limits.graceMillis() + limits.timeoutMillis()) + " ms: "
          + e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    stopQuietly(dev);
    LOG.info(clean ? "stopped" : "stopped, not cleanly");
    return clean;
  }

  /**
   * The dev services without a node, for a local cluster whose nodes come and go (kill -9
   * included) while the database stays. Their settings go to services.env for the nodes' --config.
   */
  private static void runServices(DevServices services) throws IOException, InterruptedException {
    SettingsReader settings = services.settings();
    Path dataDir = Path.of(settings.string(LearngridConfig.DATA_DIR, "./.learngrid"));
    Path env = dataDir.resolve("services.env");
    StringBuilder lines = new StringBuilder();
    for (String key : List.of(LearngridConfig.PG_URL, LearngridConfig.REDIS_URL, LearngridConfig.AI_URL,
        LearngridConfig.SMTP_URL, LearngridConfig.JWT_SECRET, LearngridConfig.ADMIN_EMAIL, LearngridConfig.ADMIN_PASSWORD)) {
      String value = settings.string(key, "");
      // Empty when given as a _FILE setting, which the nodes inherit from the environment instead.
      if (!value.isEmpty()) {
        lines.append(key).append('=').append(value).append('\n');
      }
    }
    Files.writeString(env, lines);
    Files.setPosixFilePermissions(env, PosixFilePermissions.fromString("rw-------"));
    CountDownLatch stopped = new CountDownLatch(1);
    onStop(() -> {
      services.close();
      stopped.countDown();
      return 0;
    });
    LOG.info("dev services ready; settings in " + env.toAbsolutePath().normalize());
    // Until SIGTERM: the hook stops the services and ends the process with 0.
    stopped.await();
  }

  private static void stopSimulator(StandaloneSimulator simulator) {
    try {
      simulator.close();
    } catch (Exception e) {
      LOG.warn("AI simulator did not stop cleanly: " + e.getMessage());
    }
  }

  private static void stopQuietly(DevServices dev) {
    if (dev != null) {
      dev.close();
    }
  }

  private static void printDevBanner(LearngridConfig config, DevMail mail) {
    String url = "http://localhost:" + config.http().port();
    String caught = mail == null ? "sent through " + config.mail().smtp() + " (LEARNGRID_SMTP_URL)"
        : url + "/dev/mail (SMTP on 127.0.0.1:" + mail.port() + ")";
    System.out.println("""

        learngrid dev node is ready: %s
          API contract   %s/openapi.yaml
          readiness      %s/health/ready
          metrics        %s/metrics
          email          %s
          admin          %s / %s
          teacher        %s / %s
          student        %s / %s
          data           %s (delete it to start afresh)
        Ctrl-C stops the node and its services.
        """.formatted(url, url, url, url, caught,
        config.auth().adminEmail(), DevServices.DEMO_ADMIN_PASSWORD.equals(config.auth().adminPassword())
            ? DevServices.DEMO_ADMIN_PASSWORD : "(the password in LEARNGRID_ADMIN_PASSWORD)",
        DemoData.TEACHER_EMAIL, DemoData.PASSWORD, DemoData.STUDENT_EMAIL, DemoData.PASSWORD,
        config.dataDir().toAbsolutePath().normalize()));
  }
}
