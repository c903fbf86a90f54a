package io.learngrid.support;

import io.learngrid.Node;
import io.learngrid.config.LearngridConfig;
import io.learngrid.config.SettingsReader;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** A real node for a test, on a free port, configured like production through LEARNGRID_* settings. */
public final class TestNode implements AutoCloseable {

  public static final String ADMIN_EMAIL = "admin@test.learngrid";
  public static final String ADMIN_PASSWORD = "admin-test-password";
  static final String JWT_SECRET = "test-secret-test-secret-test-secret-0123456789";

  private final Node node;
  private final int port;

  private TestNode(Node node, int port) {
    this.node = node;
    this.port = port;
  }

  /** The settings of a standalone node with every role; tests override what they exercise. */
  public static Map<String, String> settings() {
    Map<String, String> settings = new HashMap<>();
    settings.put("LEARNGRID_HTTP_PORT", Integer.toString(TestServices.freePort()));
    settings.put("LEARNGRID_HTTP_HOST", "127.0.0.1");
    settings.put("LEARNGRID_HTTP_INSTANCES", "2");
    settings.put("LEARNGRID_PG_URL", TestServices.postgresUrl());
    settings.put("LEARNGRID_PG_POOL_SIZE", "4");
    settings.put("LEARNGRID_REDIS_URL", TestServices.redisUrl());
    settings.put("LEARNGRID_AI_URL", TestServices.simulatorUrl());
    settings.put("LEARNGRID_JWT_SECRET", JWT_SECRET);
    settings.put("LEARNGRID_ADMIN_EMAIL", ADMIN_EMAIL);
    settings.put("LEARNGRID_ADMIN_PASSWORD", ADMIN_PASSWORD);
    // The cheapest cost bcrypt allows: tests exercise the flow, not the work factor.
    settings.put("LEARNGRID_BCRYPT_COST", "4");
    settings.put("LEARNGRID_ACCESS_LOG", "off");
    // Tests fire many requests from one address and user; the tests of rate limits set their own.
    settings.put("LEARNGRID_RATE_LIMIT_USER_PER_MINUTE", "1000000");
    settings.put("LEARNGRID_RATE_LIMIT_IP_PER_MINUTE", "1000000");
    settings.put("LEARNGRID_RATE_LIMIT_CLASS_ACTION_PER_MINUTE", "1000000");
    // No load balancer to wait for; GracefulDrainTest sets a grace of its own.
    settings.put("LEARNGRID_SHUTDOWN_GRACE_MS", "0");
    return settings;
  }

  /** Settings for a member of a fresh cluster that no other test (or dev node) can join. */
  public static Map<String, String> clusterSettings(String clusterName) {
    Map<String, String> settings = settings();
    settings.put("LEARNGRID_CLUSTER", "true");
    settings.put("LEARNGRID_CLUSTER_NAME", clusterName);
    return settings;
  }

  public static String newClusterName() {
    return "test-" + UUID.randomUUID();
  }

  public static TestNode start(Map<String, String> settings) {
    LearngridConfig config = LearngridConfig.from(new SettingsReader(settings));
    try {
      return new TestNode(Node.start(config).await(2, TimeUnit.MINUTES), config.http().port());
    } catch (Exception e) {
      throw new IllegalStateException("node did not start: " + e.getMessage(), e);
    }
  }

  public Node node() {
    return node;
  }

  public Api api() {
    return new Api("http://127.0.0.1:" + port);
  }

  @Override
  public void close() throws Exception {
    node.stop().await(1, TimeUnit.MINUTES);
  }
}
