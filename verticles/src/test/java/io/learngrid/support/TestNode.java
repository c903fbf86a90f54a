package io.learngrid.support;

import io.learngrid.Node;
import io.learngrid.config.LearngridConfig;
import io.learngrid.config.SettingsReader;
import io.learngrid.dev.DevMail;
import io.vertx.core.Future;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real node for a test, on a free port, configured like production through LEARNGRID_* settings
 * ({@link NodeSettings}); {@link LearngridNode} classes get one injected.
 */
public final class TestNode implements AutoCloseable {

  public static final String ADMIN_EMAIL = "admin@test.learngrid";
  public static final String ADMIN_PASSWORD = "admin-test-password";
  public static final String JWT_SECRET = "test-secret-test-secret-test-secret-0123456789";

  private final Node node;
  private final int port;

  private TestNode(Node node, int port) {
    this.node = node;
    this.port = port;
  }

  public static String newClusterName() {
    return "test-" + UUID.randomUUID();
  }

  /** Starts a node from LEARNGRID_* settings; tests build them with {@link NodeSettings}. */
  static TestNode start(Map<String, String> settings) {
    return start(settings, null);
  }

  /** {@code devMail}: served at {@code GET /dev/mail}, as on a dev node; null for none. */
  static TestNode start(Map<String, String> settings, DevMail devMail) {
    LearngridConfig config = LearngridConfig.from(new SettingsReader(settings));
    try {
      return new TestNode(Node.start(config, vertx -> Future.succeededFuture(), devMail).await(2, TimeUnit.MINUTES),
          config.http().port());
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
