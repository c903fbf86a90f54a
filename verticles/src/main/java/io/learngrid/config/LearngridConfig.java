package io.learngrid.config;

import io.vertx.pgclient.PgConnectOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;

/**
 * Every setting of a node, read once at start. docs/configuration.md lists the keys; keep the two
 * in step.
 */
public record LearngridConfig(
    Set<Role> roles,
    boolean clustered,
    Path dataDir,
    long busTimeoutMillis,
    Http http,
    Postgres postgres,
    Redis redis,
    Ai ai,
    Auth auth,
    Cluster cluster,
    CacheTtls cacheTtls,
    Answers answers,
    boolean rateLimits,
    LoginLimits loginLimits,
    Shutdown shutdown) {

  public record Http(String host, int port, int instances, int bodyLimitBytes, int aiBodyLimitBytes, boolean accessLog) {}

  /** {@code url} is null only on nodes without the persistence role. */
  public record Postgres(String url, String replicaUrl, int poolSize, int idleTimeoutSeconds, int maxWaitQueue,
                         long connectTimeoutMillis) {}

  /** {@code url} is null only on nodes without the cache role. */
  public record Redis(String url, int poolSize, int maxWaitingHandlers, long commandTimeoutMillis) {}

  /** {@code url} is null only on nodes without the ai role. The key is never logged. */
  public record Ai(String url, String apiKey, String model, long timeoutMillis, int breakerMaxFailures,
                   long breakerResetMillis) {}

  /** {@code jwtSecret} is null only on nodes without the http role. */
  public record Auth(String jwtSecret, int accessTokenSeconds, int bcryptCost, String adminEmail,
                     String adminPassword) {}

  public record Cluster(String config, String name, String host, String publicHost) {}

  public record CacheTtls(int courseSeconds, int profileSeconds, int assignmentSeconds, int enrollmentSeconds,
                          int progressSeconds) {}

  /**
   * Failed logins allowed per email and per client address within one window (fixed, from the
   * first attempt). Enforced only when {@code rateLimits} is on.
   */
  public record LoginLimits(int maxFailuresPerEmail, int maxFailuresPerIp, int windowSeconds) {}

  /**
   * Answer submission (group commit), the aggregator that folds answer events into progress, and
   * the retention of answer events. Read by the persistence role.
   */
  public record Answers(int batchMaxSize, int maxConcurrentBatches, long aggregatorIntervalMillis,
                        int aggregatorBatchSize, int retentionDays, int questionCacheSize, int enrollmentCacheSize) {}

  /**
   * SIGTERM: {@code graceMillis} of answering normally while readiness says 503 (so load balancers
   * stop sending), then at most {@code timeoutMillis} to finish in-flight requests and bus work.
   */
  public record Shutdown(long graceMillis, long timeoutMillis) {}

  public static final String SHUTDOWN_GRACE_MS = "LEARNGRID_SHUTDOWN_GRACE_MS";
  public static final String PG_URL = "LEARNGRID_PG_URL";
  public static final String REDIS_URL = "LEARNGRID_REDIS_URL";
  public static final String AI_URL = "LEARNGRID_AI_URL";
  public static final String JWT_SECRET = "LEARNGRID_JWT_SECRET";
  public static final String ADMIN_EMAIL = "LEARNGRID_ADMIN_EMAIL";
  public static final String ADMIN_PASSWORD = "LEARNGRID_ADMIN_PASSWORD";
  public static final String DATA_DIR = "LEARNGRID_DATA_DIR";
  public static final String ROLES = "LEARNGRID_ROLES";
  public static final String CLUSTER = "LEARNGRID_CLUSTER";

  /** Reads and checks every setting; throws {@link ConfigException} naming the first bad key. */
  public static LearngridConfig from(SettingsReader s) {
    Set<Role> roles = Role.parseList(ROLES, s.optional(ROLES));
    boolean clustered = s.flag(CLUSTER, false);

    Http http = new Http(
        s.string("LEARNGRID_HTTP_HOST", "0.0.0.0"),
        s.integer("LEARNGRID_HTTP_PORT", 8080, 1, 65535),
        s.integer("LEARNGRID_HTTP_INSTANCES", Runtime.getRuntime().availableProcessors(), 1, 256),
        s.integer("LEARNGRID_HTTP_BODY_LIMIT", 64 * 1024, 1024, 16 * 1024 * 1024),
        s.integer("LEARNGRID_HTTP_AI_BODY_LIMIT", 256 * 1024, 1024, 16 * 1024 * 1024),
        s.flag("LEARNGRID_ACCESS_LOG", true));

    String pgUrl = roles.contains(Role.PERSISTENCE)
        ? checkPgUrl(PG_URL, s.required(PG_URL, "on a node with the persistence role"))
        : null;
    String replicaUrl = s.optional("LEARNGRID_PG_REPLICA_URL");
    Postgres postgres = new Postgres(
        pgUrl,
        replicaUrl == null ? null : checkPgUrl("LEARNGRID_PG_REPLICA_URL", replicaUrl),
        s.integer("LEARNGRID_PG_POOL_SIZE", 10, 1, 500),
        s.integer("LEARNGRID_PG_POOL_IDLE_TIMEOUT_SECONDS", 60, 0, 86_400),
        s.integer("LEARNGRID_PG_POOL_MAX_WAIT_QUEUE", 1024, -1, 1_000_000),
        s.longValue("LEARNGRID_PG_CONNECT_TIMEOUT_MS", 5_000, 100, 120_000));

    String redisUrl = roles.contains(Role.CACHE)
        ? checkUrl(REDIS_URL, s.required(REDIS_URL, "on a node with the cache role"), "redis", "rediss")
        : null;
    Redis redis = new Redis(
        redisUrl,
        s.integer("LEARNGRID_REDIS_POOL_SIZE", 16, 1, 1_000),
        s.integer("LEARNGRID_REDIS_MAX_WAITING", 2_048, 1, 1_000_000),
        s.longValue("LEARNGRID_REDIS_TIMEOUT_MS", 500, 10, 60_000));

    String aiUrl = roles.contains(Role.AI)
        ? checkUrl(AI_URL, s.required(AI_URL, "on a node with the ai role"), "http", "https")
        : null;
    Ai ai = new Ai(
        aiUrl == null ? null : trimSlash(aiUrl),
        s.optional("LEARNGRID_AI_API_KEY"),
        s.string("LEARNGRID_AI_MODEL", "learngrid-sim"),
        s.longValue("LEARNGRID_AI_TIMEOUT_MS", 30_000, 100, 600_000),
        s.integer("LEARNGRID_AI_BREAKER_MAX_FAILURES", 5, 1, 1_000),
        s.longValue("LEARNGRID_AI_BREAKER_RESET_MS", 10_000, 100, 3_600_000));

    String secret = null;
    if (roles.contains(Role.HTTP)) {
      secret = s.required(JWT_SECRET, "on a node with the http role (the same on every node)");
      if (secret.getBytes(StandardCharsets.UTF_8).length < 32) {
        throw new ConfigException(JWT_SECRET, "must be at least 32 bytes long");
      }
    }
    String adminEmail = s.optional(ADMIN_EMAIL);
    String adminPassword = s.optional(ADMIN_PASSWORD);
    if ((adminEmail == null) != (adminPassword == null)) {
      throw new ConfigException(adminEmail == null ? ADMIN_EMAIL : ADMIN_PASSWORD,
          "must be set together with " + (adminEmail == null ? ADMIN_PASSWORD : ADMIN_EMAIL));
    }
    if (adminPassword != null && adminPassword.length() < 8) {
      throw new ConfigException(ADMIN_PASSWORD, "must be at least 8 characters");
    }
    Auth auth = new Auth(
        secret,
        s.integer("LEARNGRID_ACCESS_TOKEN_SECONDS", 900, 30, 86_400),
        s.integer("LEARNGRID_BCRYPT_COST", 10, 4, 16),
        adminEmail,
        adminPassword);

    Cluster cluster = new Cluster(
        s.string("LEARNGRID_CLUSTER_CONFIG", "tcp-loopback"),
        s.string("LEARNGRID_CLUSTER_NAME", "learngrid"),
        s.string("LEARNGRID_CLUSTER_HOST", "127.0.0.1"),
        s.optional("LEARNGRID_CLUSTER_PUBLIC_HOST"));

    CacheTtls ttls = new CacheTtls(
        s.integer("LEARNGRID_CACHE_TTL_COURSE_SECONDS", 900, 1, 30 * 86_400),
        s.integer("LEARNGRID_CACHE_TTL_PROFILE_SECONDS", 900, 1, 30 * 86_400),
        s.integer("LEARNGRID_CACHE_TTL_ASSIGNMENT_SECONDS", 86_400, 1, 30 * 86_400),
        s.integer("LEARNGRID_CACHE_TTL_ENROLLMENT_SECONDS", 900, 1, 30 * 86_400),
        s.integer("LEARNGRID_CACHE_TTL_PROGRESS_SECONDS", 300, 1, 30 * 86_400));

    LoginLimits loginLimits = new LoginLimits(
        s.integer("LEARNGRID_LOGIN_MAX_FAILURES_PER_EMAIL", 5, 1, 1_000),
        s.integer("LEARNGRID_LOGIN_MAX_FAILURES_PER_IP", 20, 1, 1_000_000),
        s.integer("LEARNGRID_LOGIN_WINDOW_SECONDS", 900, 1, 86_400));

    // Concurrent batches share the pool with every other query: at most the pool, half by default.
    Answers answers = new Answers(
        s.integer("LEARNGRID_ANSWER_BATCH_MAX_SIZE", 512, 1, 10_000),
        s.integer("LEARNGRID_ANSWER_MAX_CONCURRENT_BATCHES", Math.max(1, postgres.poolSize() / 2), 1,
            postgres.poolSize()),
        s.longValue("LEARNGRID_AGGREGATOR_INTERVAL_MS", 200, 10, 60_000),
        s.integer("LEARNGRID_AGGREGATOR_BATCH_SIZE", 1_000, 1, 100_000),
        s.integer("LEARNGRID_ANSWER_RETENTION_DAYS", 400, 1, 36_500),
        s.integer("LEARNGRID_ANSWER_QUESTION_CACHE_SIZE", 50_000, 1, 10_000_000),
        s.integer("LEARNGRID_ANSWER_ENROLLMENT_CACHE_SIZE", 200_000, 1, 10_000_000));

    return new LearngridConfig(
        roles,
        clustered,
        Path.of(s.string(DATA_DIR, "./.learngrid")),
        s.longValue("LEARNGRID_BUS_TIMEOUT_MS", 5_000, 50, 600_000),
        http, postgres, redis, ai, auth, cluster, ttls, answers,
        s.flag("LEARNGRID_RATE_LIMITS", true),
        loginLimits,
        new Shutdown(s.longValue(SHUTDOWN_GRACE_MS, 3_000, 0, 300_000),
            s.longValue("LEARNGRID_SHUTDOWN_TIMEOUT_MS", 30_000, 100, 600_000)));
  }

  public boolean has(Role role) {
    return roles.contains(role);
  }

  private static String checkPgUrl(String key, String url) {
    checkUrl(key, url, "postgresql", "postgres");
    try {
      PgConnectOptions.fromUri(url);
    } catch (RuntimeException e) {
      throw new ConfigException(key, "is not a postgresql://user:pass@host:port/db URL");
    }
    return url;
  }

  private static String checkUrl(String key, String url, String... schemes) {
    String scheme;
    try {
      URI uri = URI.create(url);
      scheme = uri.getScheme();
      if (uri.getHost() == null) {
        throw new ConfigException(key, "has no host");
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key, "is not a URL");
    }
    for (String allowed : schemes) {
      if (allowed.equalsIgnoreCase(scheme)) {
        return url;
      }
    }
    throw new ConfigException(key, "must start with " + schemes[0] + "://");
  }

  private static String trimSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
