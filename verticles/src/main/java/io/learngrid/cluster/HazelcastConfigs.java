package io.learngrid.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.XmlConfigBuilder;
import io.learngrid.config.ConfigException;
import io.learngrid.config.LearngridConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/** Loads a Hazelcast configuration of cluster-config/ by name, or from a file path. */
public final class HazelcastConfigs {

  private static final String KEY = "LEARNGRID_CLUSTER_CONFIG";

  private HazelcastConfigs() {}

  /** Runs before Vert.x starts, on the main thread, so reading a file here blocks nobody. */
  public static Config load(LearngridConfig.Cluster cluster) {
    String source = cluster.config();
    try (InputStream in = open(source)) {
      // ${NAME} in the XML resolves from system properties, then the environment (Kubernetes).
      Properties properties = new Properties();
      properties.putAll(System.getenv());
      properties.putAll(System.getProperties());
      Config config = new XmlConfigBuilder(in).setProperties(properties).build();
      config.setClusterName(cluster.name());
      return config;
    } catch (ConfigException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new ConfigException(KEY, "cannot load Hazelcast configuration '" + source + "' (" + e.getMessage() + ")");
    }
  }

  private static InputStream open(String source) throws IOException {
    if (source.matches("[a-z0-9-]+")) {
      InputStream in = HazelcastConfigs.class.getResourceAsStream("/cluster-config/" + source + ".xml");
      if (in == null) {
        throw new ConfigException(KEY, "no built-in configuration named '" + source
            + "' (tcp-loopback, multicast, kubernetes, compose) and no such file");
      }
      return in;
    }
    return Files.newInputStream(Path.of(source));
  }
}
