package io.learngrid.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.Config;
import io.learngrid.config.ConfigException;
import io.learngrid.config.LearngridConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The Hazelcast configurations of cluster-config/")
class HazelcastConfigsTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"tcp-loopback", "multicast", "kubernetes", "compose"})
  @DisplayName("each built-in configuration loads, takes the cluster name, and keeps the maps Vert.x needs")
  void builtInConfigurationsLoad(String name) {
    Config config = HazelcastConfigs.load(new LearngridConfig.Cluster(name, "my-cluster", "127.0.0.1", null));
    assertThat(config.getClusterName()).isEqualTo("my-cluster");
    assertThat(config.getMultiMapConfigs()).containsKey("__vertx.subs");
    assertThat(config.getMapConfigs()).containsKeys("__vertx.haInfo", "__vertx.nodeInfo", "learngrid.nodes");
    var join = config.getNetworkConfig().getJoin();
    switch (name) {
      case "tcp-loopback", "compose" -> assertThat(join.getTcpIpConfig().isEnabled()).isTrue();
      case "multicast" -> assertThat(join.getMulticastConfig().isEnabled()).isTrue();
      default -> assertThat(join.getKubernetesConfig().isEnabled()).isTrue();
    }
  }

  @Test
  @DisplayName("an unknown name or a missing file is a configuration error naming LEARNGRID_CLUSTER_CONFIG")
  void unknownConfiguration() {
    assertThatThrownBy(() -> HazelcastConfigs.load(new LearngridConfig.Cluster("gossip", "c", "127.0.0.1", null)))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("LEARNGRID_CLUSTER_CONFIG:");
    assertThatThrownBy(() -> HazelcastConfigs.load(new LearngridConfig.Cluster("/no/such/file.xml", "c", "127.0.0.1", null)))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("LEARNGRID_CLUSTER_CONFIG:");
  }
}
