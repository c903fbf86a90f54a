package io.learngrid.dev;

import io.learngrid.config.ConfigException;
import io.learngrid.config.LearngridConfig;
import io.learngrid.config.SettingsReader;
import io.learngrid.simulator.AiSimulatorVerticle;
import io.learngrid.simulator.SimulatorSettings;
import io.learngrid.simulator.StandaloneSimulator;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code learngrid dev} starts around a node: PostgreSQL, Redis and the AI simulator, each
 * only when its URL is not set, with data kept under LEARNGRID_DATA_DIR between runs.
 */
public final class DevServices implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DevServices.class);
  public static final String DEMO_ADMIN_EMAIL = "admin@learngrid.dev";
  public static final String DEMO_ADMIN_PASSWORD = "admin-password";
  private static final String PG_PORT = "LEARNGRID_DEV_PG_PORT";
  private static final String PG_OPTIONS = "LEARNGRID_DEV_PG_OPTIONS";
  private static final String REDIS_PORT = "LEARNGRID_DEV_REDIS_PORT";
  private static final String AI_PORT = "LEARNGRID_DEV_AI_PORT";
  private static final String SMTP_PORT = "LEARNGRID_DEV_SMTP_PORT";

  private final List<AutoCloseable> started = new ArrayList<>();
  private SettingsReader settings;
  private DevMail mail;

  private DevServices(SettingsReader settings) {
    this.settings = settings;
  }

  /**
   * Checks the dev settings and the node's in one pass, before anything starts, and throws one
   * {@link ConfigException} listing every bad key: a typo in LEARNGRID_HTTP_PORT is reported at
   * once, not after PostgreSQL and Redis have started (and been stopped again). The URLs of the
   * services that dev would start are stood in for by their future addresses.
   */
  public static void check(SettingsReader given) {
    SettingsReader s = given.collecting();
    int pgPort = s.integer(PG_PORT, 54329, 1, 65535);
    int redisPort = s.integer(REDIS_PORT, 63790, 1, 65535);
    int aiPort = s.integer(AI_PORT, 8089, 1, 65535);
    int smtpPort = s.integer(SMTP_PORT, 3025, 1, 65535);
    s.check(() -> StandaloneSimulator.withTimingAndFaults(s, SimulatorSettings.defaults()), null);
    SettingsReader urls = s
        .withDefault(LearngridConfig.PG_URL, "postgresql://postgres@127.0.0.1:" + pgPort + "/postgres")
        .withDefault(LearngridConfig.REDIS_URL, "redis://127.0.0.1:" + redisPort)
        .withDefault(LearngridConfig.AI_URL, "http://127.0.0.1:" + aiPort);
    if (!smtpUrlGiven(s)) {
      urls = urls.withDefault(LearngridConfig.SMTP_URL, "smtp://127.0.0.1:" + smtpPort);
    }
    SettingsReader node = devDefaults(urls,
        "a stand-in for the secret kept in the data directory", s.string(LearngridConfig.DATA_DIR, "./.learngrid"));
    LearngridConfig.from(node);
    s.throwIfProblems();
  }

  /** Starts what is missing and returns the settings completed with its URLs and dev defaults. */
  public static DevServices start(SettingsReader given) throws IOException {
    DevServices dev = new DevServices(given);
    try {
      dev.startAll();
    } catch (IOException | RuntimeException e) {
      dev.close();
      throw e;
    }
    return dev;
  }

  private void startAll() throws IOException {
    Path dataDir = Path.of(settings.string(LearngridConfig.DATA_DIR, "./.learngrid")).toAbsolutePath().normalize();
    Files.createDirectories(dataDir);
    if (settings.optional(LearngridConfig.PG_URL) == null) {
      int port = settings.integer(PG_PORT, 54329, 1, 65535);
      EmbeddedPostgres postgres = EmbeddedPostgres.start(dataDir.resolve("pg-bin"), dataDir.resolve("pg"), port,
          settings.string(PG_OPTIONS, ""));
      started.add(postgres);
      settings = settings.withDefault(LearngridConfig.PG_URL, postgres.url());
    }
    if (settings.optional(LearngridConfig.REDIS_URL) == null) {
      int port = settings.integer(REDIS_PORT, 63790, 1, 65535);
      EmbeddedRedis redis = EmbeddedRedis.start(dataDir.resolve("redis"), port);
      started.add(redis);
      settings = settings.withDefault(LearngridConfig.REDIS_URL, redis.url());
    }
    if (settings.optional(LearngridConfig.AI_URL) == null) {
      // Loopback (the defaults' host): the dev node's simulator serves this process only.
      SimulatorSettings simulator = StandaloneSimulator.withTimingAndFaults(settings, SimulatorSettings.defaults()
          .withPort(settings.integer(AI_PORT, 8089, 1, 65535)));
      Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
      try {
        vertx.deployVerticle(new AiSimulatorVerticle(simulator)).await(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        vertx.close();
        throw new ConfigException(AI_PORT, "cannot start the AI simulator on port "
            + simulator.port() + " (" + e.getMessage() + ")");
      }
      started.add(() -> vertx.close().await(30, TimeUnit.SECONDS));
      settings = settings.withDefault(LearngridConfig.AI_URL, "http://127.0.0.1:" + simulator.port());
      LOG.info("AI simulator started on 127.0.0.1:" + simulator.port());
    }
    if (!smtpUrlGiven(settings)) {
      int port = settings.integer(SMTP_PORT, 3025, 1, 65535);
      try {
        mail = DevMail.start(port);
      } catch (RuntimeException e) {
        throw new ConfigException(SMTP_PORT, "cannot start the SMTP server on port " + port + " (" + e.getMessage() + ")");
      }
      started.add(mail);
      settings = settings.withDefault(LearngridConfig.SMTP_URL, mail.url());
      LOG.info("SMTP server started on 127.0.0.1:" + port + " (caught mail at GET /dev/mail)");
    }
    settings = devDefaults(settings, jwtSecret(dataDir.resolve("jwt-secret")), dataDir.toString());
  }

  /** The settings a dev node has unless given others: the demo admin, the data directory's secret. */
  private static SettingsReader devDefaults(SettingsReader settings, String jwtSecret, String dataDir) {
    SettingsReader result = settings;
    if (settings.optional(LearngridConfig.ADMIN_EMAIL) == null && settings.optional(LearngridConfig.ADMIN_PASSWORD) == null) {
      result = result
          .with(LearngridConfig.ADMIN_EMAIL, DEMO_ADMIN_EMAIL)
          .with(LearngridConfig.ADMIN_PASSWORD, DEMO_ADMIN_PASSWORD);
    }
    return result
        .withDefault(LearngridConfig.JWT_SECRET, jwtSecret)
        .withDefault(LearngridConfig.DATA_DIR, dataDir)
        // No load balancer in front of a dev node: Ctrl-C need not wait for one to notice.
        .withDefault(LearngridConfig.SHUTDOWN_GRACE_MS, "0")
        // A developer's webhook receiver listens on their own machine.
        .withDefault(LearngridConfig.WEBHOOK_ALLOW_PRIVATE, "true")
        // Clustered on loopback by default, so that a second node started beside it joins it.
        .withDefault(LearngridConfig.CLUSTER, "true");
  }

  public SettingsReader settings() {
    return settings;
  }

  /** The SMTP server dev started, whose mail {@code GET /dev/mail} lists; null when LEARNGRID_SMTP_URL was given. */
  public DevMail mail() {
    return mail;
  }

  /** LEARNGRID_SMTP_URL, or its _FILE form, set by the user: dev then starts no SMTP server. */
  private static boolean smtpUrlGiven(SettingsReader settings) {
    return settings.optional(LearngridConfig.SMTP_URL) != null || settings.optional(LearngridConfig.SMTP_URL + "_FILE") != null;
  }

  /** One secret per data directory, so tokens stay valid across dev restarts. */
  private static String jwtSecret(Path file) throws IOException {
    if (Files.exists(file)) {
      return Files.readString(file).trim();
    }
    byte[] bytes = new byte[48];
    new SecureRandom().nextBytes(bytes);
    String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    Files.writeString(file, secret);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return secret;
  }

  /** Stops in reverse order of start; a failure to stop one service does not keep the others running. */
  @Override
  public void close() {
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (Exception e) {
        LOG.warn("could not stop a dev service: " + e.getMessage());
      }
    }
    started.clear();
  }
}
