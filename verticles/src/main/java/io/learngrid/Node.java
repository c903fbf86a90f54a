package io.learngrid;

import io.learngrid.ai.AiJobWorker;
import io.learngrid.ai.ChatProxyVerticle;
import io.learngrid.cache.CacheVerticle;
import io.learngrid.cluster.HazelcastConfigs;
import io.learngrid.cluster.NodeRegistryVerticle;
import io.learngrid.cluster.NodeState;
import io.learngrid.config.LearngridConfig;
import io.learngrid.config.Role;
import io.learngrid.http.HttpVerticle;
import io.learngrid.persistence.PersistenceVerticle;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.concurrent.CompletionStage;
import java.util.logging.Logger;

/**
 * One learngrid node: a Vert.x instance (clustered or not) with the roles it was asked to run.
 * Roles start dependencies first, so the http role opens its port only when the others are up.
 */
public final class Node {

  private static final Logger LOG = Logger.getLogger(Node.class.getName());

  private final Vertx vertx;
  private final NodeState state;
  private final PrometheusMeterRegistry registry;
  /** Deployment id of the AI job worker, undeployed first on stop; null without the ai role. */
  private volatile String aiJobWorker;

  private Node(Vertx vertx, NodeState state, PrometheusMeterRegistry registry) {
    this.vertx = vertx;
    this.state = state;
    this.registry = registry;
  }

  public static Future<Node> start(LearngridConfig config) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // Buckets for request latency, so that p50/p95/p99 can be computed across nodes in Prometheus.
    registry.config().meterFilter(new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        return id.getName().equals("vertx.http.server.response.time")
            ? DistributionStatisticConfig.builder().percentilesHistogram(true).build().merge(config)
            : config;
      }
    });
    VertxOptions options = new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions()
        .setEnabled(true)
        .setJvmMetricsEnabled(true)
        .addLabels(Label.HTTP_ROUTE, Label.EB_ADDRESS));
    VertxBuilder builder = Vertx.builder().withMetrics(new MicrometerMetricsFactory(registry));
    Future<Vertx> vertx;
    if (config.clustered()) {
      options.getEventBusOptions().setHost(config.cluster().host());
      if (config.cluster().publicHost() != null) {
        options.getEventBusOptions().setClusterPublicHost(config.cluster().publicHost());
      }
      vertx = builder.with(options)
          .withClusterManager(new HazelcastClusterManager(HazelcastConfigs.load(config.cluster())))
          .buildClustered();
    } else {
      vertx = Future.succeededFuture(builder.with(options).build());
    }
    NodeState state = new NodeState(config.roles(), httpAddress(config), config.clustered());
    return vertx.compose(started -> new Node(started, state, registry).deploy(config)
        .recover(failure -> started.close().transform(closed -> Future.failedFuture(failure))));
  }

  /**
   * Where other machines (nginx, operators) reach this node's HTTP port: the bind address, or the
   * cluster address when the server binds every interface. Null without the http role.
   */
  private static String httpAddress(LearngridConfig config) {
    if (!config.has(Role.HTTP)) {
      return null;
    }
    String host = config.http().host();
    if (host.equals("0.0.0.0") || host.equals("::")) {
      host = config.cluster().publicHost() != null ? config.cluster().publicHost() : config.cluster().host();
    }
    return host + ":" + config.http().port();
  }

  private Future<Node> deploy(LearngridConfig config) {
    Future<?> chain = Future.succeededFuture();
    if (config.has(Role.PERSISTENCE)) {
      chain = chain.compose(v -> vertx.deployVerticle(new PersistenceVerticle(config, registry, state.nodeId())));
    }
    if (config.has(Role.CACHE)) {
      chain = chain.compose(v -> vertx.deployVerticle(new CacheVerticle(config)));
    }
    if (config.has(Role.AI)) {
      chain = chain.compose(v -> vertx.deployVerticle(new ChatProxyVerticle(config, registry)))
          .compose(v -> vertx.deployVerticle(new AiJobWorker(config, registry, state.nodeId())))
          .onSuccess(id -> aiJobWorker = id);
    }
    NodeRegistryVerticle membership = new NodeRegistryVerticle(state);
    chain = chain.compose(v -> vertx.deployVerticle(membership));
    if (config.has(Role.HTTP)) {
      chain = chain.compose(v -> vertx.deployVerticle(() -> new HttpVerticle(config, state, registry),
              new DeploymentOptions().setInstances(config.http().instances()))
          );
    }
    return chain.compose(v -> {
      state.ready(true);
      LOG.info("node " + state.nodeId() + " ready with roles " + state.roles()
          + (config.clustered() ? " in cluster '" + config.cluster().name() + "'" : " (standalone)")
          + (config.has(Role.HTTP) ? " on " + state.httpAddress() : ""));
      return membership.publish();
    }).map(this);
  }

  public Vertx vertx() {
    return vertx;
  }

  public NodeState state() {
    return state;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Not ready first (so load balancers stop sending), then every verticle and the cluster. */
  public Future<Void> stop() {
    state.ready(false);
    if (aiJobWorker == null) {
      return vertx.close().onComplete(done -> registry.close());
    }
    // The worker hands its AI jobs back through the persistence role, so it stops while that role
    // (and the bus) still serve: vertx.close() alone undeploys every verticle at once. Vert.x is
    // then closed from a thread outside it: a close started on the worker's event loop would
    // report its completion to that loop, which the close itself shuts down, and never complete.
    CompletionStage<Void> closed = vertx.undeploy(aiJobWorker).toCompletionStage()
        .handle((undeployed, failure) -> null)
        .thenComposeAsync(handedBack -> vertx.close().toCompletionStage());
    return Future.fromCompletionStage(closed).onComplete(done -> registry.close());
  }
}
