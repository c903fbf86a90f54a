package io.learngrid.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.Api;
import io.learngrid.support.Database;
import io.learngrid.support.Eventually;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.TestNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The PostgreSQL pool replaces its connections after LEARNGRID_PG_POOL_MAX_LIFETIME_SECONDS")
class PoolLifetimeTest {

  @Test
  @DisplayName("under steady requests every connection is replaced, and no request fails while that happens")
  void connectionsAreReplacedWithoutFailures() throws Exception {
    try (TestNode node = NodeSettings.defaults().with("PG_POOL_MAX_LIFETIME_SECONDS", 1).start()) {
      Api api = node.api();
      String applicationName = "learngrid " + node.node().state().nodeId();
      AtomicInteger served = new AtomicInteger();
      // Readiness asks the persistence role for a SELECT 1 through the pool on every call.
      Eventually.within(30, () -> readyServed(api, served) && !backends(applicationName).isEmpty());
      Set<Integer> first = backends(applicationName);

      Eventually.within(60, () -> readyServed(api, served) && disjoint(first, backends(applicationName)));
      assertThat(served.get()).as("requests served while the connections were replaced").isGreaterThan(1);
    }
  }

  /** One readiness request, which must succeed: a retired connection must not fail a request. */
  private static boolean readyServed(Api api, AtomicInteger served) {
    assertThat(api.get("/health/ready", null).status()).isEqualTo(200);
    served.incrementAndGet();
    return true;
  }

  private static boolean disjoint(Set<Integer> first, Set<Integer> now) {
    Set<Integer> kept = new HashSet<>(first);
    kept.retainAll(now);
    return kept.isEmpty() && !now.isEmpty();
  }

  /** The backend processes serving the node's connections, by their application_name. */
  private static Set<Integer> backends(String applicationName) {
    try (Connection connection = Database.connect();
         PreparedStatement query = connection.prepareStatement(
             "SELECT pid FROM pg_stat_activity WHERE application_name = ?")) {
      query.setString(1, applicationName);
      Set<Integer> pids = new HashSet<>();
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          pids.add(rows.getInt(1));
        }
      }
      return pids;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
