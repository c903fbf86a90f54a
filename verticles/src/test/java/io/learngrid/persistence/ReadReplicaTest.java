package io.learngrid.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.Api;
import io.learngrid.support.Api.Account;
import io.learngrid.support.TestNode;
import io.learngrid.support.TestServices;
import io.micrometer.core.instrument.search.Search;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("LEARNGRID_PG_REPLICA_URL sends list queries to a pool of their own")
class ReadReplicaTest {

  private static TestNode node;

  @BeforeAll
  static void start() {
    Map<String, String> settings = TestNode.settings();
    // The test server stands in for a replica: what is checked is which pool each query uses.
    settings.put("LEARNGRID_PG_REPLICA_URL", TestServices.postgresUrl());
    node = TestNode.start(settings);
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  @DisplayName("lists go to the replica pool, writes and single reads to the primary")
  void listsUseTheReplica() {
    Api api = node.api();
    Account teacher = api.account("teacher");
    String id = api.post("/api/v1/courses", new JsonObject().put("title", "Replica").put("subject", "replica")
        .put("description", ""), teacher.token()).json().getString("id");
    double replicaBefore = completed("learngrid-pg-replica");
    double primaryBefore = completed("learngrid-pg");

    assertThat(api.get("/api/v1/courses?subject=replica", teacher.token()).status()).isEqualTo(200);
    assertThat(completed("learngrid-pg-replica")).isEqualTo(replicaBefore + 1);
    assertThat(completed("learngrid-pg")).isEqualTo(primaryBefore);

    assertThat(api.get("/api/v1/courses/" + id, teacher.token()).status()).isEqualTo(200);
    assertThat(completed("learngrid-pg-replica")).isEqualTo(replicaBefore + 1);
  }

  private static double completed(String pool) {
    var counter = Search.in(node.node().registry()).name("vertx.pool.completed").tag("pool_name", pool).counter();
    return counter == null ? 0 : counter.count();
  }
}
