package io.learngrid.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.bus.BusClient;
import io.learngrid.bus.Ping;
import io.learngrid.support.Api;
import io.learngrid.support.Api.Account;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.CloseAfterAll;
import io.learngrid.support.ClusterPortProxy;
import io.learngrid.support.Database;
import io.learngrid.support.Eventually;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.ScriptedUpstream;
import io.learngrid.support.TestNode;
import io.learngrid.support.TestServices;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A network partition of a three-node cluster, made without privileges: every member listens on
 * its own loopback address (A 127.0.0.1, B 127.0.0.2, C 127.0.0.3) and is known to the others only
 * by the address of a {@link ClusterPortProxy} in front of it (127.0.1.x), which is also the address
 * its outgoing Hazelcast connections come from (hazelcast.socket.client.bind.any=false binds them
 * to the public address). Partitioning closes every proxied connection to or from C and refuses new
 * ones; A and B keep theirs. Failure detection and merge runs are shortened so that the split and
 * the merge each take seconds.
 *
 * <p>The event bus's own connections are not proxied. A node sends only to the subscriptions its
 * Hazelcast view holds, and each side drops the other's when the members are removed, so from the
 * split on no message crosses it whether or not those sockets are open; the node does not let the
 * bus port be advertised on another address than the one it binds, which proxying would need. What
 * matters for duplicates is what is shared outside Hazelcast (PostgreSQL's job leases, Redis's
 * budget counters), and both sides keep reaching those, as they would in a real split of the
 * application network.
 */
@DisplayName("A Hazelcast partition of three nodes (C cut off from A and B) and its healing")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HazelcastPartitionTest {

  private static final int DAILY_TOKENS = 100;
  /** What {@link ScriptedUpstream.Reply} reports per answer: 10 prompt and 10 completion tokens. */
  private static final int TOKENS_PER_REPLY = 20;
  private static final int JOBS_PER_SIDE = 4;
  private static final String PROBE = "test.partition.probe.";

  @CloseAfterAll
  private static ScriptedUpstream upstream;
  @CloseAfterAll
  private static ClusterPortProxy proxyA;
  @CloseAfterAll
  private static ClusterPortProxy proxyB;
  @CloseAfterAll
  private static ClusterPortProxy proxyC;
  @CloseAfterAll
  private static TestNode a;
  @CloseAfterAll
  private static TestNode b;
  @CloseAfterAll
  private static TestNode c;

  private static List<ClusterPortProxy> proxies;
  private static Set<InetAddress> addressesOfC;

  @BeforeAll
  static void startCluster() throws Exception {
    upstream = new ScriptedUpstream(new ScriptedUpstream.Reply("A plan of the lesson."));
    InetSocketAddress memberA = new InetSocketAddress("127.0.0.1", TestServices.freePort());
    InetSocketAddress memberB = new InetSocketAddress("127.0.0.2", TestServices.freePort());
    InetSocketAddress memberC = new InetSocketAddress("127.0.0.3", TestServices.freePort());
    proxyA = new ClusterPortProxy("A", new InetSocketAddress("127.0.1.1", TestServices.freePort()), memberA);
    proxyB = new ClusterPortProxy("B", new InetSocketAddress("127.0.1.2", TestServices.freePort()), memberB);
    proxyC = new ClusterPortProxy("C", new InetSocketAddress("127.0.1.3", TestServices.freePort()), memberC);
    proxies = List.of(proxyA, proxyB, proxyC);
    addressesOfC = Set.of(memberC.getAddress(), proxyC.address().getAddress());

    Path dir = TestServices.scratch("partition");
    String cluster = TestNode.newClusterName();
    a = node(cluster, hazelcastXml(dir, "a", memberA, proxyA)).start();
    b = node(cluster, hazelcastXml(dir, "b", memberB, proxyB)).start();
    c = node(cluster, hazelcastXml(dir, "c", memberC, proxyC)).start();
    for (Map.Entry<String, TestNode> node : nodes().entrySet()) {
      String name = node.getKey();
      // Registered before the split: after the merge they are there only if C's subscriptions were put back.
      node.getValue().node().vertx().eventBus().<String>consumer(PROBE + name, message -> message.reply(name))
          .completion().await(30, TimeUnit.SECONDS);
    }
    Eventually.within(60, () -> members(a) == 3 && members(b) == 3 && members(c) == 3);
  }

  private static NodeSettings node(String cluster, Path hazelcastXml) {
    return NodeSettings.defaults().cluster(cluster).with("CLUSTER_CONFIG", hazelcastXml.toString())
        .aiUrl(upstream.url()).aiMaxRetries(0).aiUserDailyTokens(DAILY_TOKENS)
        // Every node polls the shared queue often: jobs queued on one side are contended by both.
        .aiJobsPollMillis(100).aiJobsLeaseMillis(3_000)
        .rateLimitAiChatPerMinute(1_000);
  }

  /**
   * The production loopback configuration (its maps' backups included), with the member's own
   * addresses and failure detection in seconds instead of a minute.
   */
  private static Path hazelcastXml(Path dir, String name, InetSocketAddress bind, ClusterPortProxy proxy)
      throws IOException {
    String xml;
    try (InputStream in = HazelcastPartitionTest.class.getResourceAsStream("/cluster-config/tcp-loopback.xml")) {
      xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    String members = proxies.stream().map(p -> "<member>" + hostAndPort(p.address()) + "</member>")
        .collect(Collectors.joining());
    String network = """
        <network>
          <join>
            <auto-detection enabled="false"/>
            <multicast enabled="false"/>
            <tcp-ip enabled="true"><member-list>%s</member-list></tcp-ip>
          </join>
          <member-address-provider enabled="true">
            <class-name>io.learngrid.support.ProxiedMemberAddress</class-name>
            <properties>
              <property name="bind">%s</property>
              <property name="public">%s</property>
            </properties>
          </member-address-provider>
        </network>""".formatted(members, hostAndPort(bind), hostAndPort(proxy.address()));
    String properties = """
        <property name="hazelcast.socket.bind.any">false</property>
        <property name="hazelcast.socket.client.bind.any">false</property>
        <property name="hazelcast.heartbeat.interval.seconds">1</property>
        <property name="hazelcast.max.no.heartbeat.seconds">5</property>
        <property name="hazelcast.merge.first.run.delay.seconds">5</property>
        <property name="hazelcast.merge.next.run.delay.seconds">5</property>
        </properties>""";
    String written = xml.replaceFirst("(?s)<network>.*</network>", java.util.regex.Matcher.quoteReplacement(network))
        .replaceFirst("</properties>", properties);
    assertThat(written).contains("ProxiedMemberAddress").contains("max.no.heartbeat");
    return Files.writeString(dir.resolve("hazelcast-" + name + ".xml"), written);
  }

  private static String hostAndPort(InetSocketAddress address) {
    return address.getAddress().getHostAddress() + ":" + address.getPort();
  }

  private static Map<String, TestNode> nodes() {
    return Map.of("A", a, "B", b, "C", c);
  }

  private static int members(TestNode node) {
    return clusterManager(node.node().vertx()).getNodes().size();
  }

  private static io.vertx.core.spi.cluster.ClusterManager clusterManager(Vertx vertx) {
    return ((VertxInternal) vertx).clusterManager();
  }

  @Test
  @Order(1)
  @DisplayName("the members talk only through the proxies, and cutting C's off leaves A and B with two members and C alone")
  void partition() throws Exception {
    // Hazelcast keeps one connection per pair of members, opened by whichever side got there first
    // (here the later member, so C's proxy may forward none): the sources name the pairs. They also
    // prove that outgoing sockets come from the public addresses, without which C's could not be told apart.
    assertThat(proxyA.sources()).as(proxyA.toString())
        .contains(proxyB.address().getAddress(), proxyC.address().getAddress());
    assertThat(proxyB.sources()).as(proxyB.toString()).contains(proxyC.address().getAddress());
    assertThat(proxyA.bytes() + proxyB.bytes()).isPositive();
    assertThat(proxyA.sources()).doesNotContain(InetAddress.getByName("127.0.0.3"));

    for (ClusterPortProxy proxy : proxies) {
      proxy.isolate(addressesOfC);
    }
    Eventually.within(30, () -> members(a) == 2 && members(b) == 2 && members(c) == 1);
    for (ClusterPortProxy proxy : proxies) {
      System.out.println("partitioned: " + proxy);
    }
    assertThat(proxyA.cut() + proxyB.cut()).as("open connections with C closed").isPositive();
  }

  @Test
  @Order(2)
  @DisplayName("jobs queued on both sides during the split each run once and finish once")
  void jobsFinishOnce() throws Exception {
    assertThat(members(c)).as("C is cut off").isEqualTo(1);
    Map<String, Api> sides = Map.of("A", a.api(), "C", c.api());
    Map<String, String> topicByJob = new java.util.HashMap<>();
    Map<String, String> tokenByJob = new java.util.HashMap<>();
    Map<String, Api> apiByJob = new java.util.HashMap<>();
    for (int i = 0; i < JOBS_PER_SIDE; i++) {
      for (Map.Entry<String, Api> side : sides.entrySet()) {
        Api api = side.getValue();
        // One teacher per job: each job's tokens count against its owner's small budget alone.
        Account teacher = api.account("teacher");
        String topic = "partition " + side.getKey() + " " + UUID.randomUUID();
        Reply accepted = api.post("/api/v1/ai/lesson-plans", new JsonObject().put("topic", topic).put("gradeLevel", "7")
            .put("durationMinutes", 45), teacher.token());
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        String id = accepted.json().getString("jobId");
        topicByJob.put(id, topic);
        tokenByJob.put(id, teacher.token());
        apiByJob.put(id, api);
      }
    }
    for (String id : topicByJob.keySet()) {
      JsonObject job = apiByJob.get(id).finishedJob(id, tokenByJob.get(id));
      assertThat(job.getString("status")).as(job.encode()).isEqualTo("succeeded");
      assertThat(job.getInteger("attempts")).as(job.encode()).isEqualTo(1);
      assertThat(Database.value("SELECT count(*) FROM jobs WHERE id = ? AND status = 'succeeded' AND attempts = 1"
          + " AND finished_at IS NOT NULL", UUID.fromString(id))).isEqualTo(1L);
    }
    assertThat(members(c)).as("the jobs ran while C was still cut off").isEqualTo(1);
    // Every node counts its runners' outcomes: the completions add up to the jobs, none dropped as
    // "lost" (a lease taken over by another node) or "unrecorded", and both sides took part.
    Map<String, Long> succeededOn = new java.util.TreeMap<>();
    for (Map.Entry<String, TestNode> node : nodes().entrySet()) {
      String metrics = node.getValue().node().registry().scrape();
      succeededOn.put(node.getKey(), jobs(metrics, "succeeded"));
      assertThat(jobs(metrics, "lost") + jobs(metrics, "unrecorded") + jobs(metrics, "retried") + jobs(metrics, "failed"))
          .as("other outcomes on %s", node.getKey()).isZero();
    }
    System.out.println("lesson-plan jobs finished by node: " + succeededOn);
    assertThat(succeededOn.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(topicByJob.size());
    assertThat(succeededOn.get("C")).as("C ran some of the jobs").isPositive();
    assertThat(succeededOn.get("A") + succeededOn.get("B")).as("A and B ran some of the jobs").isPositive();
    List<String> bodies = upstream.bodies();
    for (Map.Entry<String, String> job : topicByJob.entrySet()) {
      assertThat(bodies.stream().filter(body -> body.contains(job.getValue())).count())
          .as("model calls for job %s", job.getKey()).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("a user's daily token budget spent through both sides is spent once: at most one reply over it")
  @Order(3)
  void budgetSpentOnce() throws Exception {
    assertThat(members(c)).as("C is cut off").isEqualTo(1);
    Account student = a.api().account("student");
    List<Api> sides = List.of(a.api(), c.api(), b.api());
    int allowed = 0;
    int sent = 0;
    Set<Integer> refusedBy = new HashSet<>();
    // One request at a time, turn about: a request is admitted while the budget's spent and reserved
    // tokens are below it, so the one that crosses it still completes (one reply's worth over, by
    // design). Until every side has refused: a side that kept its own count would go on answering.
    while (refusedBy.size() < sides.size() && sent < 10 * DAILY_TOKENS / TOKENS_PER_REPLY) {
      int side = sent % sides.size();
      Reply reply = sides.get(side).post("/api/v1/ai/chat", new JsonObject().put("messages", new JsonArray()
          .add(new JsonObject().put("role", "user").put("content", "budget " + UUID.randomUUID()))), student.token());
      sent++;
      assertThat(reply.status()).as(reply.body()).isIn(200, 429);
      if (reply.status() == 200) {
        allowed++;
      } else {
        refusedBy.add(side);
      }
    }
    assertThat(refusedBy).as("every side refused once the budget was spent").hasSize(sides.size());
    assertThat(allowed * TOKENS_PER_REPLY).isBetween(DAILY_TOKENS, DAILY_TOKENS + TOKENS_PER_REPLY);

    int answered = allowed;
    Eventually.within(30, () -> answered == ((Number) Database.value(
        "SELECT count(*) FROM ai_usage WHERE user_id = ? AND NOT cached", UUID.fromString(student.id()))).intValue());
    long recorded = ((Number) Database.value("SELECT sum(prompt_tokens + completion_tokens) FROM ai_usage WHERE user_id = ?",
        UUID.fromString(student.id()))).longValue();
    assertThat(recorded).isEqualTo((long) allowed * TOKENS_PER_REPLY).isLessThanOrEqualTo(DAILY_TOKENS + TOKENS_PER_REPLY);
    RedisAPI redis = RedisAPI.api(Redis.createClient(a.node().vertx(), TestServices.redisUrl()));
    try {
      Response counted = redis.get("aibudget:user:" + student.id() + ":" + LocalDate.now(ZoneOffset.UTC))
          .await(10, TimeUnit.SECONDS);
      assertThat(counted).as("the budget's counter in Redis").isNotNull();
      assertThat(counted.toLong()).isEqualTo(recorded);
    } finally {
      redis.close();
    }
    assertThat(members(c)).as("the spending ran while C was still cut off").isEqualTo(1);
  }

  @Test
  @Order(4)
  @DisplayName("once healed, C merges back: three members everywhere, every node's roles and consumers reached from every node")
  void cleanRejoin() throws Exception {
    for (ClusterPortProxy proxy : proxies) {
      proxy.heal();
    }
    Eventually.within(60, () -> members(a) == 3 && members(b) == 3 && members(c) == 3);
    Set<String> nodeIds = new HashSet<>();
    for (TestNode node : nodes().values()) {
      nodeIds.add(clusterManager(node.node().vertx()).getNodeId());
    }
    assertThat(nodeIds).hasSize(3);

    // Hazelcast gives the merged member a new UUID, but Vert.x keeps its node id (a member attribute)
    // and republishes its own subscriptions on MERGED (vertx-hazelcast 5.0.8: stateChanged ->
    // membersRemoved -> republishOwnSubs). Checked here: what each side dropped when the other's
    // members left is back, the roles' (on every node) and the probes' (each on its own node), C's
    // included, seen from every node.
    Map<String, Set<String>> expected = new java.util.LinkedHashMap<>();
    for (String role : List.of(Ping.PERSISTENCE.address(), Ping.CACHE.address(), Ping.AI.address())) {
      expected.put(role, nodeIds);
    }
    for (Map.Entry<String, TestNode> node : nodes().entrySet()) {
      expected.put(PROBE + node.getKey(), Set.of(clusterManager(node.getValue().node().vertx()).getNodeId()));
    }
    for (Map.Entry<String, Set<String>> address : expected.entrySet()) {
      for (TestNode node : nodes().values()) {
        try {
          Eventually.within(30, () -> registeredNodes(node, address.getKey()).equals(address.getValue()));
        } catch (AssertionError e) {
          throw new AssertionError(address.getKey() + " as " + clusterManager(node.node().vertx()).getNodeId()
              + " sees it: " + registeredNodes(node, address.getKey()) + ", expected: " + address.getValue(), e);
        }
      }
    }
    for (Map.Entry<String, TestNode> from : nodes().entrySet()) {
      BusClient bus = new BusClient(from.getValue().node().vertx(), 5_000);
      for (String to : nodes().keySet()) {
        Object reply = from.getValue().node().vertx().eventBus().request(PROBE + to, "ping").await(10, TimeUnit.SECONDS)
            .body();
        assertThat(reply).as("%s -> %s", from.getKey(), to).isEqualTo(to);
      }
      for (int i = 0; i < 6; i++) {
        assertThat(bus.request(Ping.PERSISTENCE, new Ping()).await(10, TimeUnit.SECONDS).status()).isEqualTo("UP");
        assertThat(bus.request(Ping.CACHE, new Ping()).await(10, TimeUnit.SECONDS).status()).isEqualTo("UP");
      }
    }

    String admin = a.api().adminToken();
    for (Map.Entry<String, TestNode> node : nodes().entrySet()) {
      Api api = node.getValue().api();
      Account student = api.account("student");
      assertThat(api.get("/api/v1/me", student.token()).status()).as("GET /me on %s", node.getKey()).isEqualTo(200);
      Eventually.within(30, () -> {
        Reply view = api.get("/api/v1/admin/cluster", admin);
        assertThat(view.status()).as(view.body()).isEqualTo(200);
        JsonArray listed = view.json().getJsonArray("nodes");
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < listed.size(); i++) {
          JsonObject entry = listed.getJsonObject(i);
          ids.add(entry.getString("nodeId"));
          assertThat(entry.getJsonArray("roles").getList()).containsExactly("http", "persistence", "cache", "ai");
          assertThat(entry.getBoolean("ready")).isTrue();
        }
        return ids.equals(Set.of(a.node().state().nodeId(), b.node().state().nodeId(), c.node().state().nodeId()));
      });
    }
    Reply ready = c.api().get("/health/ready", null);
    assertThat(ready.status()).as(ready.body()).isEqualTo(200);
    for (ClusterPortProxy proxy : proxies) {
      System.out.println("healed: " + proxy);
    }
  }

  /** A node's count of lesson-plan jobs with {@code outcome}, from its Prometheus scrape. */
  private static long jobs(String metrics, String outcome) {
    String prefix = "learngrid_jobs_total{kind=\"lesson-plan\",outcome=\"" + outcome + "\"} ";
    return metrics.lines().filter(line -> line.startsWith(prefix))
        .mapToLong(line -> (long) Double.parseDouble(line.substring(prefix.length()))).sum();
  }

  private static Set<String> registeredNodes(TestNode node, String address) {
    try {
      io.vertx.core.Promise<List<RegistrationInfo>> registrations = io.vertx.core.Promise.promise();
      clusterManager(node.node().vertx()).getRegistrations(address, registrations);
      List<String> ids = new ArrayList<>();
      for (RegistrationInfo info : registrations.future().await(10, TimeUnit.SECONDS)) {
        ids.add(info.nodeId());
      }
      return Set.copyOf(ids);
    } catch (Exception e) {
      return Set.of();
    }
  }
}
