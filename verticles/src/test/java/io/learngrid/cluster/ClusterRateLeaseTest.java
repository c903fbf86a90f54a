package io.learngrid.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.Api;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.CloseAfterAll;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.TestNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A budget busy on two nodes at once is leased (http/limits/RateLeases): each node takes slices
 * from Redis and spends them itself. Redis charged every slice, so the nodes together never admit
 * more than the budget; what they may lose is the slices left unspent when the budget runs out.
 */
@DisplayName("Rate limits of two clustered nodes, leased in slices when busy")
class ClusterRateLeaseTest {

  private static final int PER_USER = 2_000;
  /** RateLeases' slice: a twentieth of the limit, at most 256. */
  private static final int SLICE = PER_USER / 20;
  private static final int CLIENTS = 8;

  @CloseAfterAll
  private static TestNode a;
  @CloseAfterAll
  private static TestNode b;
  private static ExecutorService clients;

  @BeforeAll
  static void startCluster() {
    String cluster = TestNode.newClusterName();
    a = NodeSettings.defaults().cluster(cluster).rateLimitPerUserPerMinute(PER_USER).start();
    b = NodeSettings.defaults().cluster(cluster).rateLimitPerUserPerMinute(PER_USER).start();
    clients = Executors.newFixedThreadPool(CLIENTS);
  }

  @AfterAll
  static void stopClients() {
    clients.shutdownNow();
  }

  @Test
  @DisplayName("eight clients spending one user's budget on both nodes: at most the budget, at least the budget less a slice per node, mostly without Redis")
  void busyBudgetIsLeased() throws Exception {
    Api api = a.api().fromNewAddress();
    String token = api.login(api.registerStudent("right-password"), "right-password");
    double leasedBefore = leased();
    AtomicInteger allowed = new AtomicInteger();
    AtomicInteger sent = new AtomicInteger();
    long started = System.nanoTime();
    List<Future<?>> running = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      Api client = (c % 2 == 0 ? a : b).api().fromNewAddress();
      running.add(clients.submit(() -> {
        // Until the budget refuses this client three times in a row: its node's slice and the
        // other node's have both run out by then, or are about to lapse unspent.
        for (int refusedInARow = 0; refusedInARow < 3 && sent.get() < 3 * PER_USER; ) {
          sent.incrementAndGet();
          Reply reply = client.get("/api/v1/me", token);
          if (reply.status() == 200) {
            allowed.incrementAndGet();
            refusedInARow = 0;
            assertThat(Long.parseLong(reply.header("RateLimit-Remaining"))).isBetween(0L, (long) PER_USER);
          } else {
            assertThat(reply.status()).isEqualTo(429);
            assertThat(reply.header("Retry-After")).isNotBlank();
            refusedInARow++;
          }
        }
      }));
    }
    for (Future<?> client : running) {
      client.get();
    }
    double refills = (System.nanoTime() - started) / 1e9 / (60.0 / PER_USER);
    assertThat(allowed.get()).as("allowed of %d sent", sent.get())
        .isLessThanOrEqualTo(PER_USER + (int) refills + 1)
        .isGreaterThanOrEqualTo(PER_USER - 2 * SLICE);
    assertThat(leased() - leasedBefore).as("decisions made from a lease of %d sent", sent.get())
        .isGreaterThan(sent.get() * 0.75);
  }

  @Test
  @DisplayName("a budget used now and then is not leased: each request is checked in Redis, exactly")
  void quietBudgetIsExact() {
    Api api = b.api().fromNewAddress();
    String token = api.login(api.registerStudent("right-password"), "right-password");
    double leasedBefore = leased();
    long started = System.nanoTime();
    for (int i = 1; i <= 3; i++) {
      Reply reply = (i % 2 == 0 ? a : b).api().get("/api/v1/me", token);
      assertThat(reply.status()).isEqualTo(200);
      // One request comes back every 30 ms (2,000 a minute): what the budget regained meanwhile.
      long refilled = (System.nanoTime() - started) / 30_000_000L;
      assertThat(Long.parseLong(reply.header("RateLimit-Remaining"))).isBetween(PER_USER - (long) i,
          Math.min(PER_USER - 1L, PER_USER - i + refilled));
    }
    assertThat(leased()).isEqualTo(leasedBefore);
  }

  /** Both nodes' decisions made from a lease (each node has a registry of its own). */
  private static double leased() {
    double sum = 0;
    for (TestNode node : new TestNode[] {a, b}) {
      for (String line : node.api().get("/metrics", null).body().split("\n")) {
        if (line.startsWith("learngrid_ratelimit_leased_total")) {
          sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
    }
    return sum;
  }
}
