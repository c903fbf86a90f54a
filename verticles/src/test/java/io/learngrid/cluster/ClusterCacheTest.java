package io.learngrid.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.Api;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.CloseAfterAll;
import io.learngrid.support.Database;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.TestNode;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The two-level cache of two clustered nodes")
class ClusterCacheTest {

  @CloseAfterAll
  private static TestNode a;
  @CloseAfterAll
  private static TestNode b;
  private static String teacher;
  private static String admin;

  @BeforeAll
  static void startCluster() {
    String cluster = TestNode.newClusterName();
    a = NodeSettings.defaults().cluster(cluster).start();
    b = NodeSettings.defaults().cluster(cluster).start();
    teacher = a.api().teacherToken();
    admin = a.api().adminToken();
  }

  @Test
  @DisplayName("after a write through node A replies, node B never serves the old course, under concurrent readers")
  void noStaleReadAfterTheWriteReply() throws Exception {
    String path = "/api/v1/courses/" + course("Version 0");
    Api onA = a.api();
    Api onB = b.api();
    assertThat(onB.get(path, teacher).json().getString("title")).isEqualTo("Version 0");

    // Readers on both nodes keep loads in flight and both levels filled while the writes happen.
    AtomicBoolean stop = new AtomicBoolean();
    ConcurrentLinkedQueue<Integer> readerStatuses = new ConcurrentLinkedQueue<>();
    ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor();
    for (int r = 0; r < 8; r++) {
      Api api = r % 2 == 0 ? onA : onB;
      readers.submit(() -> {
        while (!stop.get()) {
          readerStatuses.add(api.get(path, teacher).status());
        }
      });
    }
    List<String> stale = new ArrayList<>();
    try {
      for (int i = 1; i <= 40; i++) {
        String title = "Version " + i;
        assertThat(onA.patch(path, new JsonObject().put("title", title), teacher).status()).isEqualTo(200);
        for (int read = 0; read < 3; read++) {
          String seen = onB.get(path, teacher).json().getString("title");
          if (!title.equals(seen)) {
            stale.add("after writing '" + title + "' node B served '" + seen + "'");
          }
        }
      }
    } finally {
      stop.set(true);
      readers.shutdown();
      assertThat(readers.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
    }
    assertThat(stale).isEmpty();
    assertThat(readerStatuses).isNotEmpty().containsOnly(200);
    assertThat(nearHits(b)).isPositive();
  }

  @Test
  @DisplayName("200 concurrent first reads of one course load it from PostgreSQL at most once per node")
  void concurrentFirstReadsLoadOnce() throws Exception {
    String path = "/api/v1/courses/" + course("Crowded");
    long beforeA = loads(a);
    long beforeB = loads(b);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Reply>> replies = new ArrayList<>();
    try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 200; i++) {
        Api api = i % 2 == 0 ? a.api() : b.api();
        replies.add(clients.submit(() -> {
          start.await();
          return api.get(path, teacher);
        }));
      }
      start.countDown();
      for (Future<Reply> reply : replies) {
        assertThat(reply.get(1, TimeUnit.MINUTES).json().getString("title")).isEqualTo("Crowded");
      }
    }
    long loadsA = loads(a) - beforeA;
    long loadsB = loads(b) - beforeB;
    assertThat(loadsA).isLessThanOrEqualTo(1);
    assertThat(loadsB).isLessThanOrEqualTo(1);
    assertThat(loadsA + loadsB).isPositive();
  }

  @Test
  @DisplayName("an admin's cache clear empties Redis and the near cache of every node")
  void clearReachesEveryNode() {
    String id = course("Before");
    String path = "/api/v1/courses/" + id;
    assertThat(b.api().get(path, teacher).json().getString("title")).isEqualTo("Before");
    // Changed behind the cache's back: both levels still hold the old title.
    Database.update("UPDATE courses SET title = 'Behind' WHERE id = ?::uuid", id);
    assertThat(b.api().get(path, teacher).json().getString("title")).isEqualTo("Before");

    assertThat(a.api().post("/api/v1/admin/cache/clear", new JsonObject().put("scope", "course"), teacher).status())
        .isEqualTo(403);
    Reply bad = a.api().post("/api/v1/admin/cache/clear", new JsonObject().put("scope", "everything"), admin);
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(a.api().post("/api/v1/admin/cache/clear", new JsonObject().put("scope", "course"), admin).status())
        .isEqualTo(204);
    assertThat(b.api().get(path, teacher).json().getString("title")).isEqualTo("Behind");
    assertThat(a.api().post("/api/v1/admin/cache/clear", "", admin).status()).isEqualTo(204);
  }

  private static String course(String title) {
    return a.api().post("/api/v1/courses", new JsonObject().put("title", title).put("subject", "cache")
        .put("description", "d"), teacher).json().getString("id");
  }

  private static long loads(TestNode node) {
    Timer timer = node.node().registry().find("learngrid.cache.load").tag("kind", "course").timer();
    return timer == null ? 0 : timer.count();
  }

  private static double nearHits(TestNode node) {
    var counter = node.node().registry().find("learngrid.cache.requests").tag("kind", "course").tag("level", "near")
        .tag("result", "hit").counter();
    return counter == null ? 0 : counter.count();
  }
}
