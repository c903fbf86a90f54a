package io.learngrid.support;

import io.learngrid.dev.DevMail;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The LEARNGRID_* settings of a test node, written as named calls instead of raw keys:
 * {@code NodeSettings.defaults().aiUrl(upstream.url()).aiMaxRetries(0)}. {@link #defaults()} is a
 * standalone node with every role on a free port, talking to {@link TestServices}; tests override
 * what they exercise. The rare key without a method of its own goes through {@link #with}.
 */
public final class NodeSettings {

  private final Map<String, String> values = new LinkedHashMap<>();

  private NodeSettings() {}

  /** A standalone node with every role; each call picks a new free HTTP port. */
  public static NodeSettings defaults() {
    return new NodeSettings()
        .with("HTTP_PORT", TestServices.freePort())
        .with("HTTP_HOST", "127.0.0.1")
        .with("HTTP_INSTANCES", 2)
        .with("PG_URL", TestServices.postgresUrl())
        .with("PG_POOL_SIZE", 4)
        .with("REDIS_URL", TestServices.redisUrl())
        .with("AI_URL", TestServices.simulatorUrl())
        .with("JWT_SECRET", TestNode.JWT_SECRET)
        .with("ADMIN_EMAIL", TestNode.ADMIN_EMAIL)
        .with("ADMIN_PASSWORD", TestNode.ADMIN_PASSWORD)
        // The cheapest cost bcrypt allows: tests exercise the flow, not the work factor.
        .with("BCRYPT_COST", 4)
        .with("ACCESS_LOG", "off")
        // Tests fire many requests from one address and user; the tests of rate limits set their own.
        .rateLimitPerUserPerMinute(1_000_000)
        .rateLimitPerIpPerMinute(1_000_000)
        .rateLimitClassActionPerMinute(1_000_000)
        // Webhook receivers in tests listen on loopback; WebhookTest sets false to see a refusal.
        .with("WEBHOOK_ALLOW_PRIVATE", true)
        // No load balancer to wait for; GracefulDrainTest sets a grace of its own.
        .shutdownGraceMillis(0);
  }

  /** A member of the cluster {@code name} (a fresh {@link TestNode#newClusterName()} no one else joins). */
  public NodeSettings cluster(String name) {
    return with("CLUSTER", true).with("CLUSTER_NAME", name);
  }

  /** Which roles the node runs, as LEARNGRID_ROLES lists them: {@code "http,persistence,cache"}. */
  public NodeSettings roles(String roles) {
    return with("ROLES", roles);
  }

  /**
   * Any setting: {@code key} with or without its {@code LEARNGRID_} prefix; a null {@code value}
   * removes the key, so that the node runs without it.
   */
  public NodeSettings with(String key, Object value) {
    String name = key.startsWith("LEARNGRID_") ? key : "LEARNGRID_" + key;
    if (value == null) {
      values.remove(name);
    } else {
      values.put(name, value.toString());
    }
    return this;
  }

  // PostgreSQL, Redis and the near cache

  public NodeSettings pgUrl(String url) {
    return with("PG_URL", url);
  }

  public NodeSettings pgReplicaUrl(String url) {
    return with("PG_REPLICA_URL", url);
  }

  public NodeSettings pgConnectTimeoutMillis(long millis) {
    return with("PG_CONNECT_TIMEOUT_MS", millis);
  }

  public NodeSettings redisUrl(String url) {
    return with("REDIS_URL", url);
  }

  public NodeSettings nearCacheTtlSeconds(int seconds) {
    return with("NEAR_CACHE_TTL_SECONDS", seconds);
  }

  /** No PostgreSQL, Redis or AI address: an http-only member reaches them over the bus. */
  public NodeSettings withoutBackingServices() {
    return pgUrl(null).redisUrl(null).aiUrl(null);
  }

  // The event bus and shutdown

  public NodeSettings busTimeoutMillis(long millis) {
    return with("BUS_TIMEOUT_MS", millis);
  }

  public NodeSettings shutdownGraceMillis(long millis) {
    return with("SHUTDOWN_GRACE_MS", millis);
  }

  public NodeSettings shutdownTimeoutMillis(long millis) {
    return with("SHUTDOWN_TIMEOUT_MS", millis);
  }

  // Rate limits and login throttling

  /** LEARNGRID_RATE_LIMITS=off: no request is refused and no RateLimit headers are sent. */
  public NodeSettings rateLimitsOff() {
    return with("RATE_LIMITS", "off");
  }

  public NodeSettings rateLimitPerUserPerMinute(int limit) {
    return with("RATE_LIMIT_USER_PER_MINUTE", limit);
  }

  public NodeSettings rateLimitPerIpPerMinute(int limit) {
    return with("RATE_LIMIT_IP_PER_MINUTE", limit);
  }

  public NodeSettings rateLimitClassActionPerMinute(int limit) {
    return with("RATE_LIMIT_CLASS_ACTION_PER_MINUTE", limit);
  }

  public NodeSettings rateLimitAiChatPerMinute(int limit) {
    return with("RATE_LIMIT_AI_CHAT_PER_MINUTE", limit);
  }

  public NodeSettings loginMaxFailuresPerIp(int failures) {
    return with("LOGIN_MAX_FAILURES_PER_IP", failures);
  }

  public NodeSettings loginMaxFailuresPerAccount(int failures) {
    return with("LOGIN_MAX_FAILURES_PER_ACCOUNT", failures);
  }

  public NodeSettings loginMaxFailuresPerEmail(int failures) {
    return with("LOGIN_MAX_FAILURES_PER_EMAIL", failures);
  }

  public NodeSettings loginWindowSeconds(int seconds) {
    return with("LOGIN_WINDOW_SECONDS", seconds);
  }

  // The AI gateway and its upstreams

  /** The primary upstream; null for a node without one (it has no ai role, or reaches it over the bus). */
  public NodeSettings aiUrl(String url) {
    return with("AI_URL", url);
  }

  public NodeSettings aiModels(String models) {
    return with("AI_MODELS", models);
  }

  /** One more upstream named {@code name} (added to LEARNGRID_AI_UPSTREAMS) at {@code url}. */
  public NodeSettings aiUpstream(String name, String url) {
    String upstreams = values.get("LEARNGRID_AI_UPSTREAMS");
    with("AI_UPSTREAMS", upstreams == null ? name : upstreams + "," + name);
    return with(upstreamKey(name, "URL"), url);
  }

  public NodeSettings aiUpstreamModels(String name, String models) {
    return with(upstreamKey(name, "MODELS"), models);
  }

  public NodeSettings aiUpstreamWeight(String name, int weight) {
    return with(upstreamKey(name, "WEIGHT"), weight);
  }

  private static String upstreamKey(String name, String setting) {
    return "AI_UPSTREAM_" + name.toUpperCase(Locale.ROOT) + "_" + setting;
  }

  public NodeSettings aiPoolSize(int size) {
    return with("AI_POOL_SIZE", size);
  }

  public NodeSettings aiConnectTimeoutMillis(long millis) {
    return with("AI_CONNECT_TIMEOUT_MS", millis);
  }

  public NodeSettings aiFirstByteTimeoutMillis(long millis) {
    return with("AI_FIRST_BYTE_TIMEOUT_MS", millis);
  }

  public NodeSettings aiTimeoutMillis(long millis) {
    return with("AI_TIMEOUT_MS", millis);
  }

  public NodeSettings aiMaxRetries(int retries) {
    return with("AI_MAX_RETRIES", retries);
  }

  public NodeSettings aiRetryBaseMillis(long millis) {
    return with("AI_RETRY_BASE_MS", millis);
  }

  public NodeSettings aiRetryMaxMillis(long millis) {
    return with("AI_RETRY_MAX_MS", millis);
  }

  public NodeSettings aiBreakerMaxFailures(int failures) {
    return with("AI_BREAKER_MAX_FAILURES", failures);
  }

  public NodeSettings aiBreakerResetMillis(long millis) {
    return with("AI_BREAKER_RESET_MS", millis);
  }

  public NodeSettings aiHeartbeatMillis(long millis) {
    return with("AI_HEARTBEAT_MS", millis);
  }

  public NodeSettings aiUserDailyTokens(int tokens) {
    return with("AI_USER_DAILY_TOKENS", tokens);
  }

  /** LEARNGRID_AI_PRICES, {@code model:input:output} per million tokens. */
  public NodeSettings aiPrices(String prices) {
    return with("AI_PRICES", prices);
  }

  // AI jobs

  public NodeSettings aiJobsMaxQueued(int jobs) {
    return with("AI_JOBS_MAX_QUEUED", jobs);
  }

  public NodeSettings aiJobsMaxAttempts(int attempts) {
    return with("AI_JOBS_MAX_ATTEMPTS", attempts);
  }

  public NodeSettings aiJobsBackoffMillis(long millis) {
    return with("AI_JOBS_BACKOFF_MS", millis);
  }

  public NodeSettings aiJobsPollMillis(long millis) {
    return with("AI_JOBS_POLL_MS", millis);
  }

  public NodeSettings aiJobsLeaseMillis(long millis) {
    return with("AI_JOBS_LEASE_MS", millis);
  }

  // Email

  /** LEARNGRID_SMTP_URL, e.g. {@code smtp://127.0.0.1:<port>} of a GreenMail the test started; null: no email runner. */
  public NodeSettings smtpUrl(String url) {
    return with("SMTP_URL", url);
  }

  public NodeSettings publicUrl(String url) {
    return with("PUBLIC_URL", url);
  }

  public NodeSettings emailBackoffMillis(long millis) {
    return with("JOBS_EMAIL_BACKOFF_MS", millis);
  }

  public NodeSettings emailMaxBackoffMillis(long millis) {
    return with("JOBS_EMAIL_MAX_BACKOFF_MS", millis);
  }

  public NodeSettings emailPollMillis(long millis) {
    return with("JOBS_EMAIL_POLL_MS", millis);
  }

  /** The settings as the node reads them, LEARNGRID_* key to value. */
  public Map<String, String> toMap() {
    return Map.copyOf(values);
  }

  /**
   * Starts a node of the calling test's own. The shared node of {@link LearngridNode} classes is
   * stopped first: like every test node before it, this one is alone with the shared database (no
   * other node's job worker claims its jobs, no other aggregator folds its answers).
   */
  public TestNode start() {
    LearngridNodeExtension.stopSharedNode();
    return TestNode.start(toMap());
  }

  /** As {@link #start()}, with the dev node's {@code GET /dev/mail} listing what {@code mail} caught. */
  public TestNode start(DevMail mail) {
    LearngridNodeExtension.stopSharedNode();
    return TestNode.start(toMap(), mail);
  }
}
