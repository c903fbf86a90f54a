package io.learngrid.http;

import io.learngrid.config.Cidr;
import io.learngrid.config.LearngridConfig;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deadlines the HTTP/1.1 server has none of, and a cap on connections per client address. A
 * client that sends a byte a second is never idle, so the idle timeout never ends it; here a
 * connection must deliver its first request's headers within {@code headerMillis}, a request its
 * whole body within {@code bodyMillis}, and after a reply the next request's headers within
 * {@code keepAliveMillis}; otherwise it is closed. Trusted proxies (nginx) are exempt from the cap:
 * all of their clients share their address. One instance per node, shared by its http verticles.
 *
 * <p>A request only moves its connection's deadline (a few field writes); one periodic sweep per
 * node closes the connections past theirs, so the cached read pays for no timer of its own.
 */
public final class SlowClients {

  private static final Logger LOG = LoggerFactory.getLogger(SlowClients.class);

  private final long headerMillis;
  private final long bodyMillis;
  private final long keepAliveMillis;
  private final int maxPerAddress;
  private final List<Cidr> exempt;
  private final Map<String, AtomicInteger> perAddress = new ConcurrentHashMap<>();
  private final Map<HttpConnection, Watch> watched = new ConcurrentHashMap<>();
  private final AtomicBoolean sweeping = new AtomicBoolean();

  /**
   * What a connection is waiting for and until when: the next request's headers, or the body of
   * {@code reading}; {@code Long.MAX_VALUE} while a request's reply is being made.
   */
  private static final class Watch {
    volatile long untilMillis;
    volatile HttpServerRequest reading;
  }

  /** The node's deadlines and per-address cap, from its settings; trusted proxies are exempt from the cap. */
  public static SlowClients of(LearngridConfig config) {
    LearngridConfig.Http http = config.http();
    return new SlowClients(http.headerTimeoutMillis(), http.bodyTimeoutMillis(), http.keepAliveMillis(),
        http.maxConnectionsPerAddress(), config.rateLimits().trustedProxies());
  }

  public SlowClients(long headerMillis, long bodyMillis, long keepAliveMillis, int maxPerAddress, List<Cidr> exempt) {
    this.headerMillis = headerMillis;
    this.bodyMillis = bodyMillis;
    this.keepAliveMillis = keepAliveMillis;
    this.maxPerAddress = maxPerAddress;
    this.exempt = exempt;
  }

  /** The server's connection handler, on the connection's event loop; starts the node's sweep once. */
  Handler<HttpConnection> connections(Vertx vertx) {
    if (sweeping.compareAndSet(false, true)) {
      long every = Math.clamp(Math.min(headerMillis, Math.min(bodyMillis, keepAliveMillis)) / 4, 50, 1_000);
      vertx.setPeriodic(every, id -> sweep());
    }
    return connection -> {
      String address = connection.remoteAddress() == null ? null : connection.remoteAddress().hostAddress();
      boolean counted = address != null && !Cidr.anyContains(exempt, address);
      if (counted) {
        AtomicInteger open = perAddress.computeIfAbsent(address, a -> new AtomicInteger());
        if (open.incrementAndGet() > maxPerAddress) {
          open.decrementAndGet();
          LOG.warn("connection from " + address + " refused: it has " + maxPerAddress + " open already");
          connection.close();
          return;
        }
      }
      Watch watch = new Watch();
      watch.untilMillis = System.currentTimeMillis() + headerMillis;
      watched.put(connection, watch);
      connection.closeHandler(closed -> {
        watched.remove(connection);
        if (counted) {
          perAddress.computeIfPresent(address, (a, count) -> count.decrementAndGet() <= 0 ? null : count);
        }
      });
    };
  }

  /** First on every route: the headers came in time; the body and the next request have their own. */
  Handler<RoutingContext> requests() {
    return ctx -> {
      HttpServerRequest request = ctx.request();
      Watch watch = watched.get(request.connection());
      if (watch != null) {
        if (request.isEnded()) {
          watch.untilMillis = Long.MAX_VALUE;
        } else {
          watch.reading = request;
          watch.untilMillis = System.currentTimeMillis() + bodyMillis;
        }
        ctx.addEndHandler(ended -> {
          watch.reading = null;
          watch.untilMillis = System.currentTimeMillis() + keepAliveMillis;
        });
      }
      ctx.next();
    };
  }

  private void sweep() {
    long now = System.currentTimeMillis();
    watched.forEach((connection, watch) -> {
      if (watch.untilMillis > now) {
        return;
      }
      HttpServerRequest reading = watch.reading;
      if (reading != null) {
        if (reading.isEnded()) {
          // The body came in time; its reply is on its way.
          watch.reading = null;
          watch.untilMillis = Long.MAX_VALUE;
          return;
        }
        LOG.info("connection from " + connection.remoteAddress() + " closed: its request body took over "
            + bodyMillis + " ms");
      }
      watched.remove(connection);
      connection.close();
    });
  }
}
