package io.learngrid;

import io.learngrid.ai.AiJobHandler;
import io.learngrid.bridge.BridgeVerticle;
import io.learngrid.bus.BusClient;
import io.learngrid.bus.jobs.JobKinds;
import io.learngrid.jobs.JobRunner;
import io.learngrid.ai.ChatProxyVerticle;
import io.learngrid.cache.CacheVerticle;
import io.learngrid.cluster.HazelcastConfigs;
import io.learngrid.cluster.NodeRegistryVerticle;
import io.learngrid.cluster.NodeState;
import io.learngrid.config.LearngridConfig;
import io.learngrid.config.Role;
import io.learngrid.dev.DevMail;
import io.learngrid.http.HttpVerticle;
import io.learngrid.http.SlowClients;
import io.learngrid.http.events.CourseEventHub;
import io.learngrid.mail.EmailHandler;
import io.learngrid.persistence.PersistenceVerticle;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One learngrid node: a Vert.x instance (clustered or not) with the roles it was asked to run.
 * Roles start dependencies first, so the http role opens its port only when the others are up.
 */
public final class Node {

  private static final Logger LOG = LoggerFactory.getLogger(Node.class);

  private final Vertx vertx;
  private final NodeState state;
  private final PrometheusMeterRegistry registry;
  private final LearngridConfig.Shutdown shutdown;
  /** Deployment ids in the order they started (added on event loops); stop() undeploys them the other way round. */
  private final List<String> deployments = new CopyOnWriteArrayList<>();
  private NodeRegistryVerticle membership;
  private Future<Void> stopping;

  private Node(Vertx vertx, NodeState state, PrometheusMeterRegistry registry, LearngridConfig.Shutdown shutdown) {
    this.vertx = vertx;
    this.state = state;
    this.registry = registry;
    this.shutdown = shutdown;
  }

  public static Future<Node> start(LearngridConfig config) {
    return start(config, vertx -> Future.succeededFuture());
  }

  /**
   * Deploys the roles, then runs {@code beforeReady} (the dev node's demo data), and only then
   * answers ready: a client that waits for readiness finds what the node promises.
   */
  public static Future<Node> start(LearngridConfig config, Function<Vertx, Future<?>> beforeReady) {
    return start(config, beforeReady, null);
  }

  /** As above; {@code devMail} is the dev node's SMTP server, listed at {@code GET /dev/mail} (null: no such route). */
  public static Future<Node> start(LearngridConfig config, Function<Vertx, Future<?>> beforeReady, DevMail devMail) {
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
    VertxOptions options = new VertxOptions().setPreferNativeTransport(true).setMetricsOptions(new MicrometerMetricsOptions()
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
    return vertx.compose(started -> new Node(started, state, registry, config.shutdown()).deploy(config, beforeReady, devMail)
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

  private Future<Node> deploy(LearngridConfig config, Function<Vertx, Future<?>> beforeReady, DevMail devMail) {
    Future<?> chain = Future.succeededFuture();
    if (config.has(Role.PERSISTENCE)) {
      chain = chain.compose(v -> deployed(vertx.deployVerticle(new PersistenceVerticle(config, registry, state.nodeId()))))
          .compose(v -> emailRunner(config));
    }
    if (config.has(Role.CACHE)) {
      chain = chain.compose(v -> deployed(vertx.deployVerticle(new CacheVerticle(config, state.nodeId()))));
    }
    if (config.has(Role.AI)) {
      chain = chain.compose(v -> deployed(vertx.deployVerticle(new ChatProxyVerticle(config, registry, state.nodeId()))))
          .compose(v -> {
            LearngridConfig.JobKind ai = config.jobs().kind(JobKinds.QUESTIONS);
            AiJobHandler handler = new AiJobHandler(new BusClient(vertx, ai.attemptTimeoutMillis()),
                new BusClient(vertx, config.busTimeoutMillis()), config.ai().model(), ai.attemptTimeoutMillis());
            return JobRunner.deploy(vertx, config, registry, state.nodeId(),
                Map.of(JobKinds.QUESTIONS, handler, JobKinds.LESSON_PLAN, handler)).onSuccess(deployments::addAll);
          });
    }
    if (config.bridge() != null) {
      chain = chain.compose(v -> deployed(vertx.deployVerticle(new BridgeVerticle(config.bridge(), registry))));
    }
    membership = new NodeRegistryVerticle(state);
    chain = chain.compose(v -> deployed(vertx.deployVerticle(membership)));
    if (config.has(Role.HTTP)) {
      SlowClients slowClients = SlowClients.of(config);
      CourseEventHub eventHub = new CourseEventHub(vertx, config, registry);
      chain = chain.compose(v -> deployed(vertx.deployVerticle(() -> new HttpVerticle(config, state, registry, devMail,
              slowClients, eventHub),
          new DeploymentOptions().setInstances(config.http().instances()))));
    }
    return chain.compose(v -> beforeReady.apply(vertx)).compose(v -> {
      state.ready(true);
      LOG.info("node " + state.nodeId() + " ready with roles " + state.roles()
          + (config.clustered() ? " in cluster '" + config.cluster().name() + "'" : " (standalone)")
          + (config.has(Role.HTTP) ? " on " + state.httpAddress() : "")
          + (vertx.isNativeTransportEnabled() ? " (epoll transport)" : " (NIO transport: " + vertx.unavailableNativeTransportCause() + ")"));
      return membership.publish();
    }).map(this);
  }

  /**
   * The email runner, only where LEARNGRID_SMTP_URL is set. Without it this node runs no email job
   * (rather than failing them): they stay queued, their tokens included, until a persistence node
   * with an SMTP server claims them, so a node deployed without the setting delays mail, never loses it.
   */
  private Future<?> emailRunner(LearngridConfig config) {
    if (config.mail().smtp() == null) {
      LOG.warn(LearngridConfig.SMTP_URL + " is not set: this node sends no email; email jobs (password resets"
          + " included) stay queued until a persistence node with an SMTP server runs them");
      return Future.succeededFuture();
    }
    if (config.jobs().kind(JobKinds.EMAIL).concurrency() == 0) {
      LOG.info("this node sends no email (LEARNGRID_JOBS_EMAIL_CONCURRENCY=0); other nodes take the email jobs");
      return Future.succeededFuture();
    }
    LOG.info("email jobs are sent through " + config.mail().smtp());
    return JobRunner.deploy(vertx, config, registry, state.nodeId(), Map.of(JobKinds.EMAIL,
            EmailHandler.create(vertx, config.mail(), config.jobs().kind(JobKinds.EMAIL).concurrency())))
        .onSuccess(deployments::addAll);
  }

  private Future<String> deployed(Future<String> deployment) {
    return deployment.onSuccess(deployments::add);
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

  /**
   * The graceful drain of a SIGTERM. Not ready at once (readiness 503, the cluster map says so),
   * while requests are still served for the grace period, so that load balancers stop sending
   * without a single failed request. Then the verticles stop in the reverse order of their start:
   * http first (its port closes, in-flight requests and streams finish), then the membership entry,
   * then ai, cache and persistence, each of which first stops taking bus requests and lets those in
   * hand reply (the answer group commit flushes) before closing its pools. Last, Vert.x leaves the
   * cluster. Each verticle's drain is bounded by the shutdown timeout; callers bound the whole.
   */
  public synchronized Future<Void> stop() {
    if (stopping == null) {
      state.ready(false);
      Future<Void> announced = membership == null ? Future.succeededFuture()
          : membership.publish().otherwiseEmpty().mapEmpty();
      LOG.info("node " + state.nodeId() + " draining: not ready, serving for " + shutdown.graceMillis() + " ms more");
      // Bound to no context: the last step closes the event loops that a context-bound future would
      // need to tell its listeners.
      Promise<Void> stopped = Promise.promise();
      announced
          .compose(published -> delay(shutdown.graceMillis()))
          .compose(graced -> undeployInReverse())
          .onComplete(undeployed -> {
            if (undeployed.failed()) {
              LOG.warn("a role did not stop cleanly: " + undeployed.cause().getMessage(), undeployed.cause());
            }
            // From a thread outside Vert.x: a close started on an event loop reports its completion
            // to that loop, which the close itself shuts down, and would never complete.
            ForkJoinPool.commonPool().execute(() -> vertx.close().onComplete(closed -> {
              registry.close();
              stopped.handle(closed);
            }));
          });
      stopping = stopped.future();
    }
    return stopping;
  }

  private Future<Void> delay(long millis) {
    if (millis == 0) {
      return Future.succeededFuture();
    }
    Promise<Void> elapsed = Promise.promise();
    vertx.setTimer(millis, id -> elapsed.complete());
    return elapsed.future();
  }

  private Future<Void> undeployInReverse() {
    Future<Void> chain = Future.succeededFuture();
    for (String id : deployments.reversed()) {
      chain = chain.compose(v -> vertx.undeploy(id));
    }
    return chain;
  }
}
