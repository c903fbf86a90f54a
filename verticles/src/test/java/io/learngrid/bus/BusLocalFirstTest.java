package io.learngrid.bus;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.cluster.HazelcastConfigs;
import io.learngrid.config.LearngridConfig;
import io.learngrid.support.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Bus requests in a cluster")
class BusLocalFirstTest {

  private static final List<Vertx> members = new ArrayList<>();
  private static Vertx alpha;
  private static Vertx beta;
  private static Vertx edge;

  @BeforeAll
  static void cluster() throws Exception {
    String name = TestNode.newClusterName();
    alpha = member(name);
    beta = member(name);
    edge = member(name);
    // alpha and beta serve the address and say who they are; edge serves nothing.
    for (Vertx member : List.of(alpha, beta)) {
      String who = member == alpha ? "alpha" : "beta";
      Promise<Void> registered = Promise.promise();
      member.runOnContext(v -> Bus.serve(member, Ping.PERSISTENCE,
          ping -> Future.succeededFuture(new Pong("UP", who))).completion().onComplete(registered));
      registered.future().await(1, TimeUnit.MINUTES);
    }
    // A registration reaches the other members' views of the cluster a little later.
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (seenBy(edge, 4).size() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
  }

  private static Vertx member(String clusterName) throws Exception {
    VertxOptions options = new VertxOptions();
    options.getEventBusOptions().setHost("127.0.0.1");
    Vertx vertx = Vertx.builder().with(options)
        .withClusterManager(new HazelcastClusterManager(HazelcastConfigs.load(
            new LearngridConfig.Cluster("tcp-loopback", clusterName, "127.0.0.1", null))))
        .buildClustered().await(2, TimeUnit.MINUTES);
    members.add(vertx);
    return vertx;
  }

  @AfterAll
  static void close() throws Exception {
    for (Vertx member : members) {
      member.close().await(1, TimeUnit.MINUTES);
    }
  }

  private static Set<String> servedBy(Vertx from, int requests) throws Exception {
    Set<String> who = new HashSet<>();
    for (int i = 0; i < requests; i++) {
      who.add(new BusClient(from, 10_000).request(Ping.PERSISTENCE, new Ping()).await(20, TimeUnit.SECONDS).detail());
    }
    return who;
  }

  private static Set<String> seenBy(Vertx from, int requests) throws Exception {
    try {
      return servedBy(from, requests);
    } catch (ReplyException notYetKnown) {
      return Set.of();
    }
  }

  @Test
  @DisplayName("are served on the node itself when it runs the role")
  void localFirst() throws Exception {
    assertThat(servedBy(alpha, 20)).containsExactly("alpha");
    assertThat(servedBy(beta, 20)).containsExactly("beta");
  }

  @Test
  @DisplayName("go to the nodes that run the role, in turn, from a node that does not")
  void clusterOtherwise() throws Exception {
    assertThat(servedBy(edge, 20)).containsExactlyInAnyOrder("alpha", "beta");
  }
}
