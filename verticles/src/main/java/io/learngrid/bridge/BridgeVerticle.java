package io.learngrid.bridge;

import io.learngrid.bus.jobs.ClaimJobs;
import io.learngrid.bus.jobs.FinishJob;
import io.learngrid.bus.jobs.ReleaseJobs;
import io.learngrid.bus.jobs.RenewJobLeases;
import io.learngrid.bus.jobs.ReportJobProgress;
import io.learngrid.config.LearngridConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.bridge.BridgeOptions;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.eventbus.bridge.tcp.TcpEventBusBridge;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vert.x's TCP event-bus bridge (4-byte length + JSON frames) for job workers written in other
 * languages, on the nodes where LEARNGRID_BRIDGE_PORT is set. Only the job runtime's addresses are
 * open to them, and {@link BridgeGuard} checks every frame first (the secret, the kinds, the limits).
 */
public final class BridgeVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(BridgeVerticle.class);

  /**
   * What a bridged worker may send: a job worker's whole protocol, nothing else. Nothing is open
   * outbound (a worker registers for no address); replies to its requests come back regardless.
   */
  public static final List<String> INBOUND = List.of(ClaimJobs.ADDRESS, RenewJobLeases.ADDRESS,
      ReportJobProgress.ADDRESS, FinishJob.ADDRESS, ReleaseJobs.ADDRESS);

  private final LearngridConfig.Bridge settings;
  private final MeterRegistry registry;
  private TcpEventBusBridge bridge;
  private BridgeGuard guard;

  public BridgeVerticle(LearngridConfig.Bridge settings, MeterRegistry registry) {
    this.settings = settings;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    BridgeOptions permitted = new BridgeOptions();
    INBOUND.forEach(address -> permitted.addInboundPermitted(new PermittedOptions().setAddress(address)));
    NetServerOptions server = new NetServerOptions()
        // A worker pings every 20 s; a socket that says nothing (one that never authenticates
        // included) is closed rather than held.
        .setIdleTimeout((int) settings.idleTimeoutMillis())
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
    if (settings.tlsCert() != null) {
      server.setSsl(true).setKeyCertOptions(new PemKeyCertOptions().setCertPath(settings.tlsCert())
          .setKeyPath(settings.tlsKey()));
    }
    guard = new BridgeGuard(settings, registry);
    bridge = TcpEventBusBridge.create(vertx, permitted, server, guard);
    return bridge.listen(settings.port(), settings.host()).onSuccess(listening -> LOG.info(
        "event-bus bridge listening on " + settings.host() + ":" + settings.port() + (settings.tlsCert() != null
            ? " (TLS)" : "") + " for job kinds " + settings.kinds() + ", at most " + settings.maxConnections()
            + " connections"));
  }

  @Override
  public Future<?> stop() {
    guard.closeAll();
    return bridge.close();
  }
}
