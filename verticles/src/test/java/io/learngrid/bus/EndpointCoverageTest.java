package io.learngrid.bus;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.LearngridNode;
import io.learngrid.support.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The event-bus contract has three copies that must agree: the endpoints declared in
 * {@code io.learngrid.bus} (found by reflection over the compiled classes, so a new one cannot be
 * forgotten here), the roles that serve them, and docs/event-bus.md. An address documented but no
 * longer declared, declared but served by no role, or served but not documented (the way
 * {@code learngrid.cache.delete} outlived its last caller) fails here.
 *
 * <p>Each endpoint gets a request whose body is {@code {}}: peers in other languages leave absent
 * fields out, so no handler may answer {@code {}} with an internal error. The few addresses that
 * would do real work on {@code {}} (create a row, clear the cache) get a body their handler refuses
 * before it does anything instead.
 */
@DisplayName("Every event-bus endpoint")
@LearngridNode
class EndpointCoverageTest {

  /** How per-node endpoints (a static factory taking the node id) are written in the docs. */
  private static final String NODE_ID_PLACEHOLDER = "<nodeId>";
  /** The repository's docs/event-bus.md, found from the module's build directory. */
  private static final Path DOC = Path.of(System.getProperty("basedir", "."), "..", "docs", "event-bus.md").normalize();
  /** A row of the Addresses table: | [`address`](#anchor) | served by | request | reply | */
  private static final Pattern ROW = Pattern.compile(
      "^\\| \\[?`([^`]+)`]?(?:\\(#([^)]+)\\))?[^|]* \\| ([^|]+) \\| ([^|]+) \\| ([^|]+) \\|$");

  /**
   * Bodies for the addresses whose handler would act on {@code {}}, or (the cache role's key-taking
   * handlers) fail on an absent key: a field of the wrong JSON type, which the message mapping
   * refuses with 400 before the handler runs, so nothing touches PostgreSQL or Redis and the reply
   * still shows that a role serves the address.
   */
  private static final Map<String, JsonObject> REFUSED_BODIES = Map.of(
      // {} would clear every cache entry (no prefixes means all).
      "learngrid.cache.clear", new JsonObject().put("prefixes", "not a list"),
      // {} would fail expired jobs before claiming none.
      "learngrid.jobs.claim", new JsonObject().put("max", new JsonObject()),
      // {} has no key: these handlers pass null to the Redis client (500).
      "learngrid.cache.get", new JsonObject().put("key", new JsonObject()),
      "learngrid.cache.decr", new JsonObject().put("key", new JsonObject()));

  private final TestNode node;

  EndpointCoverageTest(TestNode node) {
    this.node = node;
  }

  /** An endpoint as the bus package declares it: {@code Owner.FIELD}, or {@code Owner.method(<nodeId>)}. */
  private record Declared(String name, Endpoint<?, ?> endpoint, boolean perNode) {
    Endpoint<?, ?> on(String nodeId) {
      return perNode ? endpoint.at(endpoint.address().replace(NODE_ID_PLACEHOLDER, nodeId)) : endpoint;
    }
  }

  /** A row of docs/event-bus.md's Addresses table. */
  private record Documented(String address, String anchor, String request, String reply) {
    boolean oneWay() {
      return reply.strip().equals("none");
    }
  }

  @Test
  @DisplayName("is declared in io.learngrid.bus and found by the scan (the scan itself works)")
  void scanFindsTheEndpoints() throws Exception {
    Map<String, Declared> declared = declared();
    assertThat(declared).containsKeys("learngrid.answers.submit", "learngrid.persistence.ping",
        "learngrid.near.invalidate." + NODE_ID_PLACEHOLDER);
    assertThat(declared.get("learngrid.answers.submit").endpoint())
        .isSameAs(io.learngrid.bus.answers.SubmitAnswer.ENDPOINT);
  }

  @Test
  @DisplayName("is documented in docs/event-bus.md with its request and reply, and every documented address is an endpoint")
  void documentedWithRecords() throws Exception {
    Map<String, Declared> declared = declared();
    List<Documented> rows = addressRows();
    Map<String, Documented> requestReply = rows.stream().filter(row -> !row.oneWay())
        .collect(Collectors.toMap(Documented::address, row -> row, (a, b) -> {
          throw new AssertionError("documented twice: " + a.address());
        }, TreeMap::new));

    assertThat(requestReply.keySet())
        .as("request/reply addresses in docs/event-bus.md's table vs endpoints in io.learngrid.bus")
        .containsExactlyInAnyOrderElementsOf(declared.keySet());
    for (Declared endpoint : declared.values()) {
      Documented row = requestReply.get(endpoint.endpoint().address());
      assertThat(row.request()).as(endpoint.name() + "'s request in the docs")
          .contains("`" + endpoint.endpoint().request().getSimpleName() + "`");
      assertThat(row.reply()).as(endpoint.name() + "'s reply in the docs")
          .contains("`" + endpoint.endpoint().reply().getSimpleName() + "`");
    }
    // One-way addresses (a publish, the stream's own messages) have no reply, so no endpoint.
    assertThat(rows.stream().filter(Documented::oneWay).map(Documented::address))
        .doesNotContainAnyElementsOf(declared.keySet());

    Set<String> headings = headingAnchors();
    for (Documented row : rows) {
      if (row.anchor() != null) {
        assertThat(headings).as("the section " + row.address() + " links to").contains(row.anchor());
      }
    }
  }

  @Test
  @DisplayName("is served by a role of a node with every role, and answers {} with a reply or a typed failure")
  void served() throws Exception {
    Vertx vertx = node.node().vertx();
    String nodeId = node.node().state().nodeId();
    Map<String, String> outcomes = new TreeMap<>();
    for (Declared declared : declared().values()) {
      String address = declared.on(nodeId).address();
      JsonObject body = REFUSED_BODIES.getOrDefault(declared.endpoint().address(), new JsonObject());
      outcomes.put(declared.name(), outcome(vertx, address, body));
    }
    assertThat(outcomes).allSatisfy((name, outcome) -> assertThat(outcome)
        .as(name + " (NO_HANDLERS: no role serves it; 500: a handler failed on a sparse body)")
        .doesNotContain("NO_HANDLERS", "TIMEOUT", "failure 500"));
    for (String address : REFUSED_BODIES.keySet()) {
      String name = declared().get(address).name();
      assertThat(outcomes.get(name)).as(name + " must refuse its probe, not act on it").startsWith("failure 4");
    }
  }

  private static String outcome(Vertx vertx, String address, JsonObject body) throws Exception {
    Future<String> outcome = vertx.eventBus()
        .<Object>request(address, body, new DeliveryOptions().setSendTimeout(10_000))
        .map(reply -> "reply")
        .recover(failure -> Future.succeededFuture(failure instanceof ReplyException reply
            ? (reply.failureType() == ReplyFailure.RECIPIENT_FAILURE
                ? "failure " + reply.failureCode() + " " + BusFailure.of(reply).detail()
                : reply.failureType().name())
            : failure.toString()));
    return outcome.await(30, TimeUnit.SECONDS);
  }

  /** Every endpoint of io.learngrid.bus and its sub-packages, by address (per-node ones with the placeholder). */
  private static Map<String, Declared> declared() throws IOException, URISyntaxException, ReflectiveOperationException {
    Path classes = Path.of(Endpoint.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path bus = classes.resolve(Endpoint.class.getPackageName().replace('.', '/'));
    List<String> classNames;
    try (Stream<Path> files = Files.walk(bus)) {
      classNames = files.filter(file -> file.toString().endsWith(".class"))
          .map(file -> classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", ""))
          .sorted()
          .toList();
    }
    assertThat(classNames).as("compiled classes under " + bus).isNotEmpty();
    Map<String, Declared> declared = new TreeMap<>();
    for (String className : classNames) {
      Class<?> type = Class.forName(className, true, Endpoint.class.getClassLoader());
      for (Field field : type.getDeclaredFields()) {
        if (Modifier.isStatic(field.getModifiers()) && field.getType() == Endpoint.class) {
          field.setAccessible(true);
          add(declared, new Declared(type.getSimpleName() + "." + field.getName(), (Endpoint<?, ?>) field.get(null),
              false));
        }
      }
      for (Method method : type.getDeclaredMethods()) {
        if (Modifier.isStatic(method.getModifiers()) && Modifier.isPublic(method.getModifiers())
            && method.getReturnType() == Endpoint.class && method.getParameterCount() == 1
            && method.getParameterTypes()[0] == String.class) {
          add(declared, new Declared(type.getSimpleName() + "." + method.getName() + "(" + NODE_ID_PLACEHOLDER + ")",
              (Endpoint<?, ?>) method.invoke(null, NODE_ID_PLACEHOLDER), true));
        }
      }
    }
    return declared;
  }

  private static void add(Map<String, Declared> declared, Declared endpoint) {
    Declared before = declared.put(endpoint.endpoint().address(), endpoint);
    assertThat(before).as(endpoint.endpoint().address() + " is declared twice: " + endpoint.name()
        + " and " + (before == null ? "" : before.name())).isNull();
  }

  /** The rows of the table under "## Addresses". */
  private static List<Documented> addressRows() throws IOException {
    List<Documented> rows = new ArrayList<>();
    boolean inSection = false;
    for (String line : Files.readAllLines(DOC)) {
      if (line.startsWith("## ")) {
        inSection = line.equals("## Addresses");
        continue;
      }
      Matcher row = ROW.matcher(line);
      if (inSection && row.matches() && row.group(1).startsWith("learngrid.")) {
        rows.add(new Documented(row.group(1), row.group(2), row.group(4), row.group(5)));
      }
    }
    assertThat(rows).as("address rows in " + DOC).hasSizeGreaterThan(10);
    return rows;
  }

  /** The anchors GitHub gives the page's headings: lower case, punctuation dropped, spaces as hyphens. */
  private static Set<String> headingAnchors() throws IOException {
    Set<String> anchors = new TreeSet<>();
    for (String line : Files.readAllLines(DOC)) {
      if (line.startsWith("#")) {
        String title = line.replaceFirst("^#+\\s*", "").toLowerCase(Locale.ROOT);
        anchors.add(title.replaceAll("[^a-z0-9 _-]", "").replace(' ', '-'));
      }
    }
    return anchors;
  }
}
