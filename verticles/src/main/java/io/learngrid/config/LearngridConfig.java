package io.learngrid.config;

import io.learngrid.bus.jobs.JobKinds;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every setting of a node, read once at start. docs/configuration.md lists the keys; keep the two
 * in step.
 *
 * <p>Longer than the ~300 lines other files keep to, on purpose: it is the one table of every key
 * with its default and bounds, read top to bottom beside docs/configuration.md. Split by role, the
 * cross-role checks (a role that needs a URL, the dev node's placeholders) would be spread out.
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
    NearCache nearCache,
    RateLimits rateLimits,
    LoginLimits loginLimits,
    Jobs jobs,
    Mail mail,
    Bridge bridge,
    Events events,
    Retention retention,
    Shutdown shutdown,
    LogFormat logFormat,
    boolean demoData) {

  /**
   * A CA file (PEM) that a client trusts: {@code pem} is its content, read once at start so that no
   * event loop reads a file; {@code file} is its path, for the JDBC driver, which takes only a path.
   */
  public record TrustedCa(String file, String pem) {}

  public record Http(String host, int port, int instances, int bodyLimitBytes, int aiBodyLimitBytes, boolean accessLog,
                     int maxUrlLength, int maxHeaderBytes, long headerTimeoutMillis, long bodyTimeoutMillis,
                     long keepAliveMillis, int maxConnectionsPerAddress, List<String> corsOrigins) {}

  /**
   * {@code url} is null only on nodes without the persistence role. {@code ca} (null when not set) is
   * what the URLs' {@code sslmode=verify-ca} and {@code verify-full} check the server against.
   */
  public record Postgres(String url, String replicaUrl, int poolSize, int idleTimeoutSeconds, int maxWaitQueue,
                         long connectTimeoutMillis, TrustedCa ca, int maxLifetimeSeconds, int replicaPoolSize) {}

  /**
   * {@code url} is null only on nodes without the cache role. A {@code rediss://} URL is TLS with the
   * server's certificate and name checked, against {@code ca} when set (else the JVM's trusted CAs).
   */
  public record Redis(String url, int poolSize, int maxWaitingHandlers, long commandTimeoutMillis, TrustedCa ca) {

    /** Whether the URL asks for TLS ({@code rediss://}). */
    public boolean tls() {
      return url != null && url.regionMatches(true, 0, "rediss://", 0, 9);
    }

    /**
     * The deadline of a bus request to the cache role: its Redis command's own timeout plus room
     * for the hop, so that the cache role's clean 503 arrives before the caller gives up.
     */
    public long busTimeoutMillis() {
      return commandTimeoutMillis + 250;
    }
  }

  /**
   * The ai role's gateway. {@code upstreams} is empty only on nodes without the ai role; the first one
   * is {@code LEARNGRID_AI_URL}. {@code url} and {@code apiKey} are that first upstream's.
   * {@code timeoutMillis} is the total deadline of one upstream call. Budgets of 0 are off.
   */
  public record Ai(String url, String apiKey, String model, long timeoutMillis, int breakerMaxFailures,
                   long breakerResetMillis, BreakerRate breakerRate, List<AiUpstream> upstreams, int poolSize, int poolIdleSeconds,
                   int maxRetries, long retryBaseMillis, long retryMaxMillis, long heartbeatMillis,
                   int chatCacheSeconds, int generationCacheSeconds, long userDailyTokens, long globalDailyTokens,
                   Map<String, AiPrice> prices) {}

  /** A breaker also opens when {@code percent} of at least {@code minCalls} calls in {@code windowMillis} failed. */
  public record BreakerRate(int percent, int minCalls, long windowMillis) {}

  /** One OpenAI-compatible upstream. An empty {@code models} serves any model. The key is never logged. */
  public record AiUpstream(String name, String url, String apiKey, List<String> models, int weight,
                           long connectTimeoutMillis, long firstByteTimeoutMillis, long timeoutMillis) {

    @Override
    public String toString() {
      return "AiUpstream[" + name + " " + url + " models=" + models + " weight=" + weight + "]";
    }
  }

  /** Price in the table's currency per 1000 prompt and per 1000 completion tokens. */
  public record AiPrice(double promptPer1k, double completionPer1k) {}

  /**
   * {@code jwtSecret} is null only on nodes without the http role. {@code revocationChecks} false skips the check of revoked access tokens on the request path
   * (LEARNGRID_REVOCATION_CHECKS=off): only to measure what the check costs (load/bench-revocation.sh).
   */
  public record Auth(String jwtSecret, int accessTokenSeconds, int bcryptCost, String adminEmail,
                     String adminPassword, boolean revocationChecks, int hashThreads, int hashMaxWaiting,
                     long hashMaxWaitMillis) {}

  public record Cluster(String config, String name, String host, String publicHost) {}

  public record CacheTtls(int courseSeconds, int profileSeconds, int assignmentSeconds, int enrollmentSeconds,
                          int progressSeconds) {}

  /**
   * The http role's in-process cache in front of Redis. {@code maxEntries} 0 turns it off. An entry
   * lives the shorter of its kind's TTL and {@code ttlSeconds}.
   */
  public record NearCache(int maxEntries, long maxBytes, int ttlSeconds) {}

  /**
   * Request budgets per minute, cluster-wide through Redis (per node while Redis is away); 0 turns
   * one limit off, {@code enabled} false turns all off (login limits included).
   * {@code trustedProxies}: peers whose X-Forwarded-For names the client.
   */
  public record RateLimits(boolean enabled, int perUser, int perIp, int aiGeneration, int aiChat, int classAction,
                           List<Cidr> trustedProxies) {}

  /**
   * Failed logins allowed within one window (fixed, from the first attempt): {@code
   * maxFailuresPerEmail} per (email, client address), {@code maxFailuresPerIp} per client address,
   * {@code maxFailuresPerAccount} per email from everywhere, past which only addresses the account
   * signed in from may try. Enforced only when {@code rateLimits} is on.
   */
  public record LoginLimits(int maxFailuresPerEmail, int maxFailuresPerIp, int maxFailuresPerAccount, int windowSeconds) {}

  /**
   * One kind of durable job: its queue bound (checked by the persistence role when one is queued),
   * the priority it is queued with unless the creator says otherwise, and each node's runner of it:
   * how many jobs it runs at once, attempts and their time limit, the lease it holds (renewed every
   * third of it while an attempt runs, so a job whose node died is taken over within one lease), how
   * often it polls, and the backoff between attempts (full jitter, doubling up to the cap).
   */
  public record JobKind(int maxQueued, int priority, int concurrency, int maxAttempts, long attemptTimeoutMillis,
                        long leaseMillis, long pollMillis, long backoffMillis, long maxBackoffMillis) {}

  /** The settings of every kind of job (io.learngrid.bus.jobs.JobKinds), by kind. */
  public record Jobs(Map<String, JobKind> kinds) {

    public JobKind kind(String kind) {
      JobKind settings = kinds.get(kind);
      if (settings == null) {
        throw new IllegalArgumentException("unknown job kind " + kind);
      }
      return settings;
    }
  }

  /**
   * Email (persistence role): the SMTP server the {@code email} jobs send through, null when
   * LEARNGRID_SMTP_URL is unset (no node of this one runs email jobs: they wait in the queue for
   * one that does), the From header, and the public base URL links in emails start with.
   */
  public record Mail(Smtp smtp, String from, String publicUrl) {}

  /**
   * The TCP event-bus bridge for workers in other languages; null when LEARNGRID_BRIDGE_PORT is not
   * set. {@code kinds} are the job kinds a bridged worker may claim; {@code tlsCert}/{@code tlsKey}
   * (PEM files) turn TLS on.
   */
  public record Bridge(String host, int port, String secret, Set<String> kinds, int maxConnections,
                       long idleTimeoutMillis, String tlsCert, String tlsKey) {}

  /** LEARNGRID_SMTP_URL taken apart; {@code ssl} is smtps:// (TLS from the first byte). The password is never logged. */
  public record Smtp(String host, int port, boolean ssl, String username, String password) {

    @Override
    public String toString() {
      return "Smtp[" + (ssl ? "smtps://" : "smtp://") + (username == null ? "" : username + ":***@") + host + ":" + port + "]";
    }
  }

  /**
   * Answer submission (group commit), the aggregator that folds answer events into progress, and
   * the retention of answer events. Read by the persistence role.
   */
  public record Answers(int batchMaxSize, int maxConcurrentBatches, long queueWaitMillis, long aggregatorIntervalMillis,
                        int aggregatorBatchSize, int retentionDays, int questionCacheSize, int enrollmentCacheSize) {}

  /**
   * Course event streams and webhooks. http role: the heartbeat (an SSE comment) of each stream,
   * the streams a user and a node may hold open, the events a stream may hold for a client that
   * does not read (then it is cut off), how long a gap in seq is waited for before it is read from
   * the outbox. persistence role: how long events are kept for Last-Event-ID, and webhook deliveries:
   * private addresses allowed (dev, tests), how long a failing delivery is retried before its webhook
   * is disabled, the time limit of one POST.
   */
  public record Events(long heartbeatMillis, int maxStreamsPerUser, int maxStreamsPerNode, int streamQueue,
                       long gapWaitMillis, int retentionHours, boolean webhookAllowPrivate,
                       long webhookRetryWindowMillis, long webhookTimeoutMillis) {}

  /**
   * How long rows that only serve for a while are kept (persistence role): Idempotency-Keys are
   * honoured for {@code idempotencyKeyHours}; finished AI jobs and AI usage rows are kept for days.
   */
  public record Retention(int idempotencyKeyHours, int jobDays, int aiUsageDays) {}

  /**
   * SIGTERM: {@code graceMillis} of answering normally while readiness says 503 (so load balancers
   * stop sending), then at most {@code timeoutMillis} to finish in-flight requests and bus work.
   */
  public record Shutdown(long graceMillis, long timeoutMillis) {}

  public static final String SHUTDOWN_GRACE_MS = "LEARNGRID_SHUTDOWN_GRACE_MS";
  public static final String WEBHOOK_ALLOW_PRIVATE = "LEARNGRID_WEBHOOK_ALLOW_PRIVATE";
  public static final String PG_URL = "LEARNGRID_PG_URL";
  public static final String PG_REPLICA_URL = "LEARNGRID_PG_REPLICA_URL";
  public static final String PG_CA_FILE = "LEARNGRID_PG_CA_FILE";
  public static final String REDIS_URL = "LEARNGRID_REDIS_URL";
  public static final String REDIS_CA_FILE = "LEARNGRID_REDIS_CA_FILE";
  /** The sslmode parameter of a PostgreSQL URL (the driver takes its key in any case). */
  private static final Pattern SSLMODE = Pattern.compile("[?&](?i:sslmode)=([^&]*)");
  public static final String AI_URL = "LEARNGRID_AI_URL";
  public static final String JWT_SECRET = "LEARNGRID_JWT_SECRET";
  public static final String ADMIN_EMAIL = "LEARNGRID_ADMIN_EMAIL";
  public static final String ADMIN_PASSWORD = "LEARNGRID_ADMIN_PASSWORD";
  public static final String DATA_DIR = "LEARNGRID_DATA_DIR";
  public static final String ROLES = "LEARNGRID_ROLES";
  public static final String CLUSTER = "LEARNGRID_CLUSTER";
  /** The dev node's demo accounts and course on a {@code run} node too (bin/local-cluster); dev always loads them. */
  public static final String DEMO_DATA = "LEARNGRID_DEMO_DATA";
  public static final String SMTP_URL = "LEARNGRID_SMTP_URL";
  public static final String MAIL_FROM = "LEARNGRID_MAIL_FROM";
  public static final String PUBLIC_URL = "LEARNGRID_PUBLIC_URL";
  public static final String BRIDGE_PORT = "LEARNGRID_BRIDGE_PORT";
  public static final String BRIDGE_SECRET = "LEARNGRID_BRIDGE_SECRET";

  /**
   * Reads and checks every setting; throws one {@link ConfigException} that lists every missing or
   * bad key (a bad value reads as its default meanwhile, so one mistake does not hide the next).
   */
  public static LearngridConfig from(SettingsReader settings) {
    SettingsReader s = settings.collecting();
    // Unknown roles: no role's settings are required, rather than every role's.
    Set<Role> roles = s.check(() -> Role.parseList(ROLES, s.optional(ROLES)), EnumSet.noneOf(Role.class));
    boolean clustered = s.flag(CLUSTER, false);

    Http http = new Http(
        s.string("LEARNGRID_HTTP_HOST", "0.0.0.0"),
        s.integer("LEARNGRID_HTTP_PORT", 8080, 1, 65535),
        s.integer("LEARNGRID_HTTP_INSTANCES", Runtime.getRuntime().availableProcessors(), 1, 256),
        s.integer("LEARNGRID_HTTP_BODY_LIMIT", 64 * 1024, 1024, 16 * 1024 * 1024),
        s.integer("LEARNGRID_HTTP_AI_BODY_LIMIT", 256 * 1024, 1024, 16 * 1024 * 1024),
        s.flag("LEARNGRID_ACCESS_LOG", true),
        s.integer("LEARNGRID_HTTP_MAX_URL_LENGTH", 4_096, 256, 65_536),
        s.integer("LEARNGRID_HTTP_MAX_HEADER_BYTES", 8_192, 1_024, 262_144),
        s.longValue("LEARNGRID_HTTP_HEADER_TIMEOUT_MS", 10_000, 100, 600_000),
        s.longValue("LEARNGRID_HTTP_BODY_TIMEOUT_MS", 60_000, 100, 3_600_000),
        s.longValue("LEARNGRID_HTTP_KEEP_ALIVE_MS", 75_000, 100, 3_600_000),
        s.integer("LEARNGRID_HTTP_MAX_CONNECTIONS_PER_ADDRESS", 256, 1, 1_000_000),
        corsOrigins(s, list(s.optional("LEARNGRID_CORS_ORIGINS"))));

    String pgUrl = roles.contains(Role.PERSISTENCE)
        ? checkPgUrl(s, PG_URL, s.required(PG_URL, "on a node with the persistence role"))
        : null;
    String replicaUrl = checkPgUrl(s, PG_REPLICA_URL, s.optional(PG_REPLICA_URL));
    int poolSize = s.integer("LEARNGRID_PG_POOL_SIZE", 10, 1, 500);
    Postgres postgres = new Postgres(
        pgUrl,
        replicaUrl,
        poolSize,
        s.integer("LEARNGRID_PG_POOL_IDLE_TIMEOUT_SECONDS", 60, 0, 86_400),
        s.integer("LEARNGRID_PG_POOL_MAX_WAIT_QUEUE", 1024, -1, 1_000_000),
        s.longValue("LEARNGRID_PG_CONNECT_TIMEOUT_MS", 5_000, 100, 120_000),
        pgCa(s, pgUrl, replicaUrl),
        s.integer("LEARNGRID_PG_POOL_MAX_LIFETIME_SECONDS", 1_800, 0, 86_400),
        s.integer("LEARNGRID_PG_REPLICA_POOL_SIZE", poolSize, 1, 500));

    String redisUrl = roles.contains(Role.CACHE)
        ? checkUrl(s, REDIS_URL, s.required(REDIS_URL, "on a node with the cache role"), "redis", "rediss")
        : null;
    Redis redis = new Redis(
        redisUrl,
        s.integer("LEARNGRID_REDIS_POOL_SIZE", 16, 1, 1_000),
        s.integer("LEARNGRID_REDIS_MAX_WAITING", 2_048, 1, 1_000_000),
        s.longValue("LEARNGRID_REDIS_TIMEOUT_MS", 500, 10, 60_000),
        redisCa(s, redisUrl));

    String aiUrl = roles.contains(Role.AI)
        ? checkUrl(s, AI_URL, s.required(AI_URL, "on a node with the ai role"), "http", "https")
        : null;
    Ai ai = ai(s, aiUrl);

    String secret = null;
    if (roles.contains(Role.HTTP)) {
      secret = s.required(JWT_SECRET, "on a node with the http role (the same on every node)");
      if (secret != null && secret.getBytes(StandardCharsets.UTF_8).length < 32) {
        s.report(JWT_SECRET, "must be at least 32 bytes long");
      }
    }
    String adminEmail = s.optional(ADMIN_EMAIL);
    String adminPassword = s.optional(ADMIN_PASSWORD);
    if ((adminEmail == null) != (adminPassword == null)) {
      s.report(adminEmail == null ? ADMIN_EMAIL : ADMIN_PASSWORD,
          "must be set together with " + (adminEmail == null ? ADMIN_PASSWORD : ADMIN_EMAIL));
    }
    if (adminPassword != null && adminPassword.length() < 8) {
      s.report(ADMIN_PASSWORD, "must be at least 8 characters");
    }
    Auth auth = new Auth(
        secret,
        s.integer("LEARNGRID_ACCESS_TOKEN_SECONDS", 900, 30, 86_400),
        s.integer("LEARNGRID_BCRYPT_COST", 10, 4, 16),
        adminEmail,
        adminPassword,
        s.flag("LEARNGRID_REVOCATION_CHECKS", true),
        s.integer("LEARNGRID_PASSWORD_HASH_THREADS", Runtime.getRuntime().availableProcessors(), 1, 256),
        s.integer("LEARNGRID_PASSWORD_HASH_MAX_WAITING", 256, 1, 100_000),
        s.longValue("LEARNGRID_PASSWORD_HASH_MAX_WAIT_MS", 3_000, 10, 60_000));

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
        s.integer("LEARNGRID_LOGIN_MAX_FAILURES_PER_ACCOUNT", 50, 1, 1_000_000),
        s.integer("LEARNGRID_LOGIN_WINDOW_SECONDS", 900, 1, 86_400));

    // Concurrent batches share the pool with every other query: at most the pool, half by default.
    Answers answers = new Answers(
        s.integer("LEARNGRID_ANSWER_BATCH_MAX_SIZE", 512, 1, 10_000),
        s.integer("LEARNGRID_ANSWER_MAX_CONCURRENT_BATCHES", Math.max(1, postgres.poolSize() / 2), 1,
            postgres.poolSize()),
        s.longValue("LEARNGRID_ANSWER_QUEUE_WAIT_MS", 1_000, 10, 60_000),
        s.longValue("LEARNGRID_AGGREGATOR_INTERVAL_MS", 200, 10, 60_000),
        s.integer("LEARNGRID_AGGREGATOR_BATCH_SIZE", 1_000, 1, 100_000),
        s.integer("LEARNGRID_ANSWER_RETENTION_DAYS", 400, 1, 36_500),
        s.integer("LEARNGRID_ANSWER_QUESTION_CACHE_SIZE", 50_000, 1, 10_000_000),
        s.integer("LEARNGRID_ANSWER_ENROLLMENT_CACHE_SIZE", 200_000, 1, 10_000_000));

    int nearEntries = s.integer("LEARNGRID_NEAR_CACHE_MAX_ENTRIES", 10_000, 0, 10_000_000);
    NearCache nearCache = new NearCache(
        nearEntries,
        s.longValue("LEARNGRID_NEAR_CACHE_MAX_BYTES", 64L * 1024 * 1024, Math.max(1, nearEntries), 64L * 1024 * 1024 * 1024),
        s.integer("LEARNGRID_NEAR_CACHE_TTL_SECONDS", 10, 1, 86_400));

    RateLimits rateLimits = new RateLimits(
        s.flag("LEARNGRID_RATE_LIMITS", true),
        s.integer("LEARNGRID_RATE_LIMIT_USER_PER_MINUTE", 100, 0, 1_000_000),
        s.integer("LEARNGRID_RATE_LIMIT_IP_PER_MINUTE", 200, 0, 1_000_000),
        s.integer("LEARNGRID_RATE_LIMIT_AI_GENERATION_PER_MINUTE", 5, 0, 1_000_000),
        s.integer("LEARNGRID_RATE_LIMIT_AI_CHAT_PER_MINUTE", 20, 0, 1_000_000),
        s.integer("LEARNGRID_RATE_LIMIT_CLASS_ACTION_PER_MINUTE", 10, 0, 1_000_000),
        cidrs(s, "LEARNGRID_TRUSTED_PROXIES", s.possiblyEmpty("LEARNGRID_TRUSTED_PROXIES", "127.0.0.1/32,::1/128")));

    // The AI kinds keep their v1 settings' names and share them.
    JobKind aiJobs = jobKind(s, "LEARNGRID_AI_JOBS_", new JobKind(1_000, 0, 64, 3, 120_000, 30_000, 1_000, 2_000, 60_000));
    Jobs jobs = new Jobs(Map.of(
        JobKinds.QUESTIONS, ownConcurrency(s, "LEARNGRID_JOBS_QUESTIONS_CONCURRENCY", aiJobs),
        JobKinds.LESSON_PLAN, ownConcurrency(s, "LEARNGRID_JOBS_LESSON_PLAN_CONCURRENCY", aiJobs),
        // An SMTP outage delays mail; it must not lose it: attempts with backoff up to 10 min span about 8 h.
        JobKinds.EMAIL, jobKind(s, "LEARNGRID_JOBS_EMAIL_", new JobKind(100_000, 0, 16, 100, 60_000, 30_000, 1_000, 1_000, 600_000)),
        JobKinds.ROSTER, jobKind(s, "LEARNGRID_JOBS_ROSTER_", new JobKind(1_000, 0, 2, 5, 600_000, 30_000, 1_000, 2_000, 60_000)),
        JobKinds.EXPORT, jobKind(s, "LEARNGRID_JOBS_EXPORT_", new JobKind(1_000, 0, 2, 3, 1_800_000, 30_000, 1_000, 2_000, 60_000)),
        JobKinds.ASSIGNMENTS, jobKind(s, "LEARNGRID_JOBS_ASSIGNMENTS_", new JobKind(1_000, 0, 4, 5, 300_000, 30_000, 1_000, 2_000, 60_000)),
        // Retried with backoff (capped at an hour) until LEARNGRID_WEBHOOK_RETRY_WINDOW_MS has passed,
        // not by a count: the attempts bound is only a backstop.
        JobKinds.WEBHOOK, jobKind(s, "LEARNGRID_JOBS_WEBHOOK_", new JobKind(100_000, 0, 16, 1_000, 30_000, 30_000, 1_000, 1_000, 3_600_000))));

    String publicUrl = checkUrl(s, PUBLIC_URL, s.string(PUBLIC_URL, "http://localhost:8080"), "http", "https");
    String from = s.string(MAIL_FROM, "learngrid <no-reply@learngrid.local>");
    if (!from.contains("@")) {
      s.report(MAIL_FROM, "is not an address (no-reply@example.com or name <no-reply@example.com>)");
    }
    Mail mail = new Mail(smtp(s, secret(s, SMTP_URL)), from, trimSlash(publicUrl == null ? "http://localhost:8080" : publicUrl));

    Bridge bridge = bridge(s, jobs);

    LearngridConfig config = new LearngridConfig(
        roles,
        clustered,
        Path.of(s.string(DATA_DIR, "./.learngrid")),
        s.longValue("LEARNGRID_BUS_TIMEOUT_MS", 5_000, 50, 600_000),
        http, postgres, redis, ai, auth, cluster, ttls, answers, nearCache, rateLimits,
        loginLimits, jobs,
        mail,
        bridge,
        new Events(
            s.longValue("LEARNGRID_EVENTS_HEARTBEAT_MS", 15_000, 100, 300_000),
            s.integer("LEARNGRID_EVENTS_MAX_STREAMS_PER_USER", 10, 1, 10_000),
            s.integer("LEARNGRID_EVENTS_MAX_STREAMS", 10_000, 1, 1_000_000),
            s.integer("LEARNGRID_EVENTS_STREAM_QUEUE", 1_000, 1, 1_000_000),
            s.longValue("LEARNGRID_EVENTS_GAP_WAIT_MS", 200, 0, 60_000),
            s.integer("LEARNGRID_EVENTS_RETENTION_HOURS", 2, 1, 8_760),
            s.flag(WEBHOOK_ALLOW_PRIVATE, false),
            s.longValue("LEARNGRID_WEBHOOK_RETRY_WINDOW_MS", 86_400_000, 1_000, 604_800_000),
            s.longValue("LEARNGRID_WEBHOOK_TIMEOUT_MS", 10_000, 100, 120_000)),
        new Retention(
            s.integer("LEARNGRID_IDEMPOTENCY_KEY_HOURS", 24, 1, 87_600),
            s.integer("LEARNGRID_JOB_RETENTION_DAYS", 30, 1, 36_500),
            s.integer("LEARNGRID_AI_USAGE_RETENTION_DAYS", 400, 1, 36_500)),
        new Shutdown(s.longValue(SHUTDOWN_GRACE_MS, 3_000, 0, 300_000),
            s.longValue("LEARNGRID_SHUTDOWN_TIMEOUT_MS", 30_000, 100, 600_000)),
        LogFormat.from(s),
        s.flag(DEMO_DATA, false));
    s.throwIfProblems();
    return config;
  }

  private static Ai ai(SettingsReader s, String aiUrl) {
    long connect = s.longValue("LEARNGRID_AI_CONNECT_TIMEOUT_MS", 5_000, 10, 120_000);
    long total = s.longValue("LEARNGRID_AI_TIMEOUT_MS", 30_000, 100, 600_000);
    long firstByte = s.longValue("LEARNGRID_AI_FIRST_BYTE_TIMEOUT_MS", Math.min(total, 20_000), 10, 600_000);
    List<AiUpstream> upstreams = new ArrayList<>();
    String apiKey = secret(s, "LEARNGRID_AI_API_KEY");
    if (aiUrl != null) {
      upstreams.add(new AiUpstream("default", trimSlash(aiUrl), apiKey, list(s.optional("LEARNGRID_AI_MODELS")),
          s.integer("LEARNGRID_AI_WEIGHT", 1, 1, 1_000), connect, firstByte, total));
      String names = s.optional("LEARNGRID_AI_UPSTREAMS");
      for (String name : list(names)) {
        if (!name.matches("[A-Za-z0-9]{1,32}") || name.equalsIgnoreCase("default")) {
          s.report("LEARNGRID_AI_UPSTREAMS", "'" + name + "' is not a name of 1..32 letters/digits"
              + " other than 'default'");
          continue;
        }
        String prefix = "LEARNGRID_AI_UPSTREAM_" + name.toUpperCase(Locale.ROOT) + "_";
        String url = checkUrl(s, prefix + "URL", s.required(prefix + "URL", "for each name in LEARNGRID_AI_UPSTREAMS"),
            "http", "https");
        if (url == null) {
          continue;
        }
        upstreams.add(new AiUpstream(name.toLowerCase(Locale.ROOT), trimSlash(url), secret(s, prefix + "API_KEY"),
            list(s.optional(prefix + "MODELS")), s.integer(prefix + "WEIGHT", 1, 1, 1_000),
            s.longValue(prefix + "CONNECT_TIMEOUT_MS", connect, 10, 120_000),
            s.longValue(prefix + "FIRST_BYTE_TIMEOUT_MS", firstByte, 10, 600_000),
            s.longValue(prefix + "TIMEOUT_MS", total, 100, 600_000)));
      }
    }
    long retryBase = s.longValue("LEARNGRID_AI_RETRY_BASE_MS", 200, 1, 60_000);
    return new Ai(
        aiUrl == null ? null : trimSlash(aiUrl),
        apiKey,
        s.string("LEARNGRID_AI_MODEL", "learngrid-sim"),
        total,
        s.integer("LEARNGRID_AI_BREAKER_MAX_FAILURES", 5, 1, 1_000),
        s.longValue("LEARNGRID_AI_BREAKER_RESET_MS", 10_000, 100, 3_600_000),
        new BreakerRate(
            s.integer("LEARNGRID_AI_BREAKER_FAILURE_PERCENT", 50, 1, 100),
            s.integer("LEARNGRID_AI_BREAKER_MIN_CALLS", 20, 1, 100_000),
            s.longValue("LEARNGRID_AI_BREAKER_WINDOW_MS", 10_000, 100, 3_600_000)),
        List.copyOf(upstreams),
        s.integer("LEARNGRID_AI_POOL_SIZE", 50, 1, 10_000),
        s.integer("LEARNGRID_AI_POOL_IDLE_SECONDS", 10, 1, 3_600),
        s.integer("LEARNGRID_AI_MAX_RETRIES", 2, 0, 10),
        retryBase,
        s.longValue("LEARNGRID_AI_RETRY_MAX_MS", 5_000, retryBase, 600_000),
        s.longValue("LEARNGRID_AI_HEARTBEAT_MS", 10_000, 100, 600_000),
        s.integer("LEARNGRID_AI_CACHE_TTL_CHAT_SECONDS", 3_600, 0, 30 * 86_400),
        s.integer("LEARNGRID_AI_CACHE_TTL_GENERATION_SECONDS", 7 * 86_400, 0, 30 * 86_400),
        s.longValue("LEARNGRID_AI_USER_DAILY_TOKENS", 200_000, 0, Long.MAX_VALUE / 2),
        s.longValue("LEARNGRID_AI_GLOBAL_DAILY_TOKENS", 0, 0, Long.MAX_VALUE / 2),
        prices(s, s.optional("LEARNGRID_AI_PRICES")));
  }

  /**
   * An AI kind's concurrency of its own, so a node can leave one of them to another language's
   * workers (0) and run the other.
   */
  private static JobKind ownConcurrency(SettingsReader s, String key, JobKind shared) {
    int concurrency = s.integer(key, shared.concurrency(), 0, 10_000);
    return new JobKind(shared.maxQueued(), shared.priority(), concurrency, shared.maxAttempts(),
        shared.attemptTimeoutMillis(), shared.leaseMillis(), shared.pollMillis(), shared.backoffMillis(),
        shared.maxBackoffMillis());
  }

  private static Bridge bridge(SettingsReader s, Jobs jobs) {
    if (s.optional(BRIDGE_PORT) == null) {
      return null;
    }
    int port = s.integer(BRIDGE_PORT, 7000, 1, 65535);
    String secret = secret(s, BRIDGE_SECRET);
    if (secret == null) {
      s.report(BRIDGE_SECRET, "is required with " + BRIDGE_PORT + " (workers send it in their first frame)");
    } else if (secret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 32) {
      s.report(BRIDGE_SECRET, "must be at least 32 bytes long");
    }
    Set<String> kinds = new java.util.TreeSet<>(list(s.string("LEARNGRID_BRIDGE_KINDS", JobKinds.LESSON_PLAN)));
    for (String kind : kinds) {
      if (!jobs.kinds().containsKey(kind)) {
        s.report("LEARNGRID_BRIDGE_KINDS", "names an unknown job kind '" + kind + "' (known: "
            + new java.util.TreeSet<>(jobs.kinds().keySet()) + ")");
      }
    }
    String cert = s.optional("LEARNGRID_BRIDGE_TLS_CERT");
    String key = s.optional("LEARNGRID_BRIDGE_TLS_KEY");
    if ((cert == null) != (key == null)) {
      s.report(cert == null ? "LEARNGRID_BRIDGE_TLS_CERT" : "LEARNGRID_BRIDGE_TLS_KEY",
          "must be set together with " + (cert == null ? "LEARNGRID_BRIDGE_TLS_KEY" : "LEARNGRID_BRIDGE_TLS_CERT"));
    }
    return new Bridge(
        s.string("LEARNGRID_BRIDGE_HOST", "127.0.0.1"),
        port,
        secret,
        Set.copyOf(kinds),
        s.integer("LEARNGRID_BRIDGE_MAX_CONNECTIONS", 64, 1, 10_000),
        s.longValue("LEARNGRID_BRIDGE_IDLE_TIMEOUT_MS", 60_000, 1_000, 3_600_000),
        cert,
        key);
  }

  /** {@code KEY} itself, or the contents of the file named by {@code KEY_FILE} (a mounted secret). */
  private static String secret(SettingsReader s, String key) {
    String value = s.optional(key);
    String file = s.optional(key + "_FILE");
    if (value != null && file != null) {
      s.report(key + "_FILE", "must not be set together with " + key);
      return value;
    }
    if (file == null) {
      return value;
    }
    try {
      String read = Files.readString(Path.of(file)).trim();
      if (read.isEmpty()) {
        s.report(key + "_FILE", "names an empty file");
        return null;
      }
      return read;
    } catch (IOException e) {
      s.report(key + "_FILE", "cannot read " + file);
      return null;
    }
  }

  /** {@code model:promptPer1k:completionPer1k,...}, e.g. {@code gpt-4o-mini:0.00015:0.0006}. */
  private static Map<String, AiPrice> prices(SettingsReader s, String value) {
    Map<String, AiPrice> prices = new LinkedHashMap<>();
    for (String entry : list(value)) {
      int second = entry.lastIndexOf(':');
      int first = second <= 0 ? -1 : entry.lastIndexOf(':', second - 1);
      try {
        if (first <= 0) {
          throw new NumberFormatException();
        }
        double prompt = Double.parseDouble(entry.substring(first + 1, second));
        double completion = Double.parseDouble(entry.substring(second + 1));
        if (!(prompt >= 0 && completion >= 0)) {
          throw new NumberFormatException();
        }
        prices.put(entry.substring(0, first), new AiPrice(prompt, completion));
      } catch (NumberFormatException e) {
        s.report("LEARNGRID_AI_PRICES", "'" + entry + "' is not model:promptPer1k:completionPer1k");
      }
    }
    return Map.copyOf(prices);
  }

  private static List<String> list(String value) {
    if (value == null) {
      return List.of();
    }
    return Arrays.stream(value.split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList();
  }

  public boolean has(Role role) {
    return roles.contains(role);
  }

  /** Each an origin as browsers send it (scheme://host[:port], no path), or {@code *} for any. */
  private static List<String> corsOrigins(SettingsReader s, List<String> origins) {
    for (String origin : origins) {
      if (!origin.equals("*") && !origin.matches("https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?")) {
        s.report("LEARNGRID_CORS_ORIGINS", "'" + origin + "' is not an origin such as https://school.example or "
            + "http://localhost:3000 (scheme, host and port only), nor *");
      }
    }
    return origins;
  }

  private static List<Cidr> cidrs(SettingsReader s, String key, String list) {
    List<Cidr> cidrs = new ArrayList<>();
    for (String item : list.split(",")) {
      if (!item.isBlank()) {
        Cidr cidr = s.check(() -> Cidr.parse(key, item.trim()), null);
        if (cidr != null) {
          cidrs.add(cidr);
        }
      }
    }
    return List.copyOf(cidrs);
  }

  /** {@code url} when it is a usable PostgreSQL URL; null (reported) when not, or when absent. */
  private static String checkPgUrl(SettingsReader s, String key, String url) {
    if (checkUrl(s, key, url, "postgresql", "postgres") == null) {
      return null;
    }
    // An unknown sslmode gets its own message; the driver's error would quote the URL, password included.
    Matcher mode = SSLMODE.matcher(url);
    if (mode.find()) {
      try {
        SslMode.of(URLDecoder.decode(mode.group(1), StandardCharsets.UTF_8));
      } catch (RuntimeException e) {
        s.report(key, "has an unknown sslmode (disable, allow, prefer, require, verify-ca or verify-full)");
        return null;
      }
    }
    try {
      PgConnectOptions.fromUri(url);
    } catch (RuntimeException e) {
      s.report(key, "is not a postgresql://user:pass@host:port/db URL");
      return null;
    }
    return url;
  }

  /**
   * LEARNGRID_PG_CA_FILE: required when a URL says {@code sslmode=verify-ca} or {@code verify-full},
   * and refused otherwise. The weaker modes check no certificate, here and in the JDBC driver that
   * runs the migrations (unlike libpq, whose require checks one when ~/.postgresql/root.crt
   * exists), so a CA file next to them would promise a check that nobody makes.
   */
  private static TrustedCa pgCa(SettingsReader s, String url, String replicaUrl) {
    TrustedCa ca = trustedCa(s, PG_CA_FILE);
    boolean set = s.optional(PG_CA_FILE) != null;
    boolean verifying = false;
    for (String[] setting : new String[][] {{PG_URL, url}, {PG_REPLICA_URL, replicaUrl}}) {
      if (setting[1] == null) {
        continue;
      }
      SslMode mode = PgConnectOptions.fromUri(setting[1]).getSslMode();
      if (mode == SslMode.VERIFY_CA || mode == SslMode.VERIFY_FULL) {
        verifying = true;
        if (!set) {
          s.report(PG_CA_FILE, "is required with sslmode=" + mode.value + " in " + setting[0]
              + " (the CA that signed the server's certificate, PEM)");
        }
      }
    }
    if (set && !verifying && url != null) {
      s.report(PG_CA_FILE, "is used only with sslmode=verify-ca or verify-full in " + PG_URL + " or "
          + PG_REPLICA_URL);
    }
    return ca;
  }

  /** LEARNGRID_REDIS_CA_FILE: only with a rediss:// URL, where it replaces the JVM's trusted CAs. */
  private static TrustedCa redisCa(SettingsReader s, String url) {
    TrustedCa ca = trustedCa(s, REDIS_CA_FILE);
    if (ca != null && url != null && !url.regionMatches(true, 0, "rediss://", 0, 9)) {
      s.report(REDIS_CA_FILE, "is used only with a rediss:// " + REDIS_URL);
    }
    return ca;
  }

  /** The PEM file named by {@code key}, checked to hold certificates; null when not set or bad (reported). */
  private static TrustedCa trustedCa(SettingsReader s, String key) {
    String file = s.optional(key);
    if (file == null) {
      return null;
    }
    String pem;
    try {
      pem = Files.readString(Path.of(file), StandardCharsets.ISO_8859_1);
    } catch (IOException | RuntimeException e) {
      s.report(key, "cannot read " + file);
      return null;
    }
    try {
      if (CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.ISO_8859_1))).isEmpty()) {
        s.report(key, file + " is not a PEM file of CA certificates");
        return null;
      }
    } catch (CertificateException e) {
      s.report(key, file + " is not a PEM file of CA certificates");
      return null;
    }
    return new TrustedCa(file, pem);
  }

  /** {@code url} when it has a host and one of the schemes; null (reported) when not, or when absent. */
  private static String checkUrl(SettingsReader s, String key, String url, String... schemes) {
    if (url == null) {
      return null;
    }
    String scheme;
    try {
      URI uri = URI.create(url);
      scheme = uri.getScheme();
      if (uri.getHost() == null) {
        s.report(key, "has no host");
        return null;
      }
    } catch (IllegalArgumentException e) {
      s.report(key, "is not a URL");
      return null;
    }
    for (String allowed : schemes) {
      if (allowed.equalsIgnoreCase(scheme)) {
        return url;
      }
    }
    s.report(key, "must start with " + schemes[0] + "://");
    return null;
  }

  /**
   * {@code smtp://user:pass@host:port} (port 25 unless given; {@code smtps://}: TLS, port 465),
   * user and password percent-decoded. Null when absent or bad (reported, without the password).
   */
  private static Smtp smtp(SettingsReader s, String url) {
    if (url == null) {
      return null;
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      s.report(SMTP_URL, "is not a smtp://user:pass@host:port URL");
      return null;
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("smtp") && !scheme.equals("smtps")) {
      s.report(SMTP_URL, "must start with smtp:// or smtps://");
      return null;
    }
    if (uri.getHost() == null) {
      s.report(SMTP_URL, "has no host");
      return null;
    }
    if ((uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/"))
        || uri.getRawQuery() != null) {
      s.report(SMTP_URL, "must be smtp://user:pass@host:port, without a path or query");
      return null;
    }
    boolean ssl = scheme.equals("smtps");
    String username = null;
    String password = null;
    // getUserInfo() decodes; split on the first ':' of the raw form so that an encoded ':' (%3A) stays in the password.
    String rawUserInfo = uri.getRawUserInfo();
    if (rawUserInfo != null) {
      int colon = rawUserInfo.indexOf(':');
      username = decode(colon < 0 ? rawUserInfo : rawUserInfo.substring(0, colon));
      password = colon < 0 ? null : decode(rawUserInfo.substring(colon + 1));
    }
    return new Smtp(uri.getHost(), uri.getPort() == -1 ? (ssl ? 465 : 25) : uri.getPort(), ssl, username, password);
  }

  private static String decode(String value) {
    return URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static String trimSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /** A kind's settings under {@code prefix} (MAX_QUEUED, PRIORITY, CONCURRENCY, ...), each defaulting to {@code d}'s. */
  private static JobKind jobKind(SettingsReader s, String prefix, JobKind d) {
    return new JobKind(
        s.integer(prefix + "MAX_QUEUED", d.maxQueued(), 1, 10_000_000),
        s.integer(prefix + "PRIORITY", d.priority(), -100, 100),
        // 0: this node does not run the kind (another node with the owning role does).
        s.integer(prefix + "CONCURRENCY", d.concurrency(), 0, 10_000),
        s.integer(prefix + "MAX_ATTEMPTS", d.maxAttempts(), 1, 1_000),
        s.longValue(prefix + "ATTEMPT_TIMEOUT_MS", d.attemptTimeoutMillis(), 100, 86_400_000),
        s.longValue(prefix + "LEASE_MS", d.leaseMillis(), 300, 3_600_000),
        s.longValue(prefix + "POLL_MS", d.pollMillis(), 10, 600_000),
        s.longValue(prefix + "BACKOFF_MS", d.backoffMillis(), 1, 3_600_000),
        s.longValue(prefix + "MAX_BACKOFF_MS", d.maxBackoffMillis(), 1, 3_600_000));
  }
}
