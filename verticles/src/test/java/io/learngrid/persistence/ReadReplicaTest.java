package io.learngrid.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.Api;
import io.learngrid.support.Api.Account;
import io.learngrid.support.LearngridNode;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.TestNode;
import io.learngrid.support.TestServices;
import io.micrometer.core.instrument.search.Search;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("LEARNGRID_PG_REPLICA_URL sends list queries to a pool of their own")
@LearngridNode
class ReadReplicaTest {

  // The test server stands in for a replica: what is checked is which pool each query uses.
  private static final NodeSettings settings = NodeSettings.defaults().pgReplicaUrl(TestServices.postgresUrl());
  private final TestNode node;

  ReadReplicaTest(TestNode node) {
    this.node = node;
  }

  @Test
  @DisplayName("lists go to the replica pool, writes and single reads to the primary")
  void listsUseTheReplica() {
    Api api = node.api();
    Account teacher = api.account("teacher");
    String id = api.post("/api/v1/courses", new JsonObject().put("title", "Replica").put("subject", "replica")
        .put("description", ""), teacher.token()).json().getString("id");
    // On first use the replica pool counts more than the one query (it opens its connection): warm it.
    assertThat(api.get("/api/v1/courses?subject=warm-up", teacher.token()).status()).isEqualTo(200);
    double replicaBefore = completed("learngrid-pg-replica");
    double primaryBefore = completed("learngrid-pg");

    assertThat(api.get("/api/v1/courses?subject=replica", teacher.token()).status()).isEqualTo(200);
    assertThat(completed("learngrid-pg-replica")).isEqualTo(replicaBefore + 1);
    assertThat(completed("learngrid-pg")).isEqualTo(primaryBefore);

    assertThat(api.get("/api/v1/courses/" + id, teacher.token()).status()).isEqualTo(200);
    assertThat(completed("learngrid-pg-replica")).isEqualTo(replicaBefore + 1);
  }

  private double completed(String pool) {
    var counter = Search.in(node.node().registry()).name("vertx.pool.completed").tag("pool_name", pool).counter();
    return counter == null ? 0 : counter.count();
  }
}
