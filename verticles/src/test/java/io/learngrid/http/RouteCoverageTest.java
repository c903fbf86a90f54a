package io.learngrid.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.cluster.NodeState;
import io.learngrid.config.LearngridConfig;
import io.learngrid.config.Role;
import io.learngrid.config.SettingsReader;
import io.learngrid.support.TestServices;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The router and openapi.yaml name the same operations: a route the contract does not describe is
 * undocumented API, and an operation without a route is a promise the node does not keep. The
 * router is the real one of a started HttpVerticle (the http role alone: it reaches PostgreSQL and
 * Redis only over the bus, so building its routes needs neither).
 */
@DisplayName("Every operation of openapi.yaml has a route, and every route is in openapi.yaml")
class RouteCoverageTest {

  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");
  /** Routes that are deliberately not operations of openapi.yaml, each with its reason. */
  private static final Map<String, String> NOT_IN_CONTRACT = Map.of(
      "GET /docs/swagger-ui/", "the API reference page's scripts and styles (Swagger UI's files), not an API",
      "GET /app/assets/", "the web app's ES modules, styles and icon (the page GET /app/ names them), not an API");
  /**
   * Operations of openapi.yaml that only the dev node routes, each with its reason: a production
   * node must not have them (404), so this router, a production one, must not route them.
   * DevMailTest checks that the dev node serves them.
   */
  private static final Map<String, String> DEV_NODE_ONLY = Map.of(
      "GET /dev/mail", "lists what the dev node's own SMTP server caught; routed only when dev started it");

  private static Vertx vertx;
  private static HttpVerticle http;

  @BeforeAll
  static void startHttpRole() throws Exception {
    LearngridConfig config = LearngridConfig.from(new SettingsReader(Map.of(
        "LEARNGRID_ROLES", "http",
        "LEARNGRID_HTTP_HOST", "127.0.0.1",
        "LEARNGRID_HTTP_PORT", Integer.toString(TestServices.freePort()),
        "LEARNGRID_JWT_SECRET", "route-coverage-test-secret-of-enough-length",
        "LEARNGRID_ACCESS_LOG", "off")));
    vertx = Vertx.vertx();
    http = new HttpVerticle(config, new NodeState(Set.of(Role.HTTP), "127.0.0.1:0", false),
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    vertx.deployVerticle(http).await(1, TimeUnit.MINUTES);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(1, TimeUnit.MINUTES);
  }

  @Test
  @DisplayName("the router's method + path pairs are exactly the contract's operations")
  void routerAndContractAgree() throws IOException {
    Set<String> contract = contractOperations();
    Set<String> routed = routerOperations();
    routed.removeAll(NOT_IN_CONTRACT.keySet());
    assertThat(contract).as("operations of openapi.yaml").isNotEmpty();
    assertThat(routed).as("routes of the router that openapi.yaml does not describe")
        .isSubsetOf(contract);
    assertThat(contract).as("dev-only operations are in openapi.yaml").containsAll(DEV_NODE_ONLY.keySet());
    assertThat(routed).as("dev-only operations routed on a production node").doesNotContainAnyElementsOf(
        DEV_NODE_ONLY.keySet());
    contract.removeAll(DEV_NODE_ONLY.keySet());
    assertThat(contract).as("operations of openapi.yaml that no route serves")
        .isSubsetOf(routed);
  }

  /** {@code GET /api/v1/courses/{courseId}} for each operation of the served contract. */
  @SuppressWarnings("unchecked")
  private static Set<String> contractOperations() throws IOException {
    Map<String, Object> document;
    try (InputStream in = RouteCoverageTest.class.getResourceAsStream("/openapi.yaml")) {
      assertThat(in).as("openapi.yaml on the classpath").isNotNull();
      document = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
    }
    Set<String> operations = new TreeSet<>();
    Map<String, Object> paths = (Map<String, Object>) document.get("paths");
    paths.forEach((path, item) -> ((Map<String, Object>) item).keySet().stream()
        .filter(METHODS::contains)
        .forEach(method -> operations.add(method.toUpperCase(Locale.ROOT) + " " + path)));
    return operations;
  }

  /**
   * The same for the router's routes that name a path and methods; the routes that apply to every
   * method (request log, client address, token check, rate limits) or match by regex are filters,
   * not operations.
   */
  private static Set<String> routerOperations() {
    Set<String> operations = new TreeSet<>();
    for (Route route : http.routes()) {
      Set<HttpMethod> methods = route.methods();
      if (route.getPath() == null || methods == null || methods.isEmpty()) {
        continue;
      }
      String path = route.getPath().replaceAll(":(\\w+)", "{$1}");
      methods.forEach(method -> operations.add(method.name() + " " + path));
    }
    return operations;
  }
}
