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
 */
public final class SlowClients {

  private static final Logger LOG = LoggerFactory.getLogger(SlowClients.class);

  private final long headerMillis;
  private final long bodyMillis;
  private final long keepAliveMillis;
  private final int maxPerAddress;
  private final List<Cidr> exempt;
  private final Map<String, AtomicInteger> perAddress = new ConcurrentHashMap<>();
  /** The deadline a connection waits under: its next request's headers. */
  private final Map<HttpConnection, Long> waiting = new ConcurrentHashMap<>();

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

  /** The server's connection handler, on the connection's event loop. */
  Handler<HttpConnection> connections(Vertx vertx) {
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
      connection.closeHandler(closed -> {
        Long left = waiting.remove(connection);
        if (left != null) {
          vertx.cancelTimer(left);
        }
        if (counted) {
          perAddress.computeIfPresent(address, (a, count) -> count.decrementAndGet() <= 0 ? null : count);
        }
      });
      waitFor(vertx, connection, headerMillis);
    };
  }

  /** First on every route: the headers came in time; the body and the next request have their own. */
  Handler<RoutingContext> requests(Vertx vertx) {
    return ctx -> {
      HttpServerRequest request = ctx.request();
      HttpConnection connection = request.connection();
      Long timer = waiting.remove(connection);
      if (timer != null) {
        vertx.cancelTimer(timer);
      }
      long body = request.isEnded() ? -1 : vertx.setTimer(bodyMillis, id -> {
        if (!request.isEnded()) {
          LOG.info("connection from " + connection.remoteAddress() + " closed: its request body took over "
              + bodyMillis + " ms");
          connection.close();
        }
      });
      ctx.addEndHandler(ended -> {
        if (body >= 0) {
          vertx.cancelTimer(body);
        }
        if (!request.response().closed()) {
          waitFor(vertx, connection, keepAliveMillis);
        }
      });
      ctx.next();
    };
  }

  private void waitFor(Vertx vertx, HttpConnection connection, long millis) {
    long timer = vertx.setTimer(millis, id -> {
      if (waiting.remove(connection, id)) {
        connection.close();
      }
    });
    Long previous = waiting.put(connection, timer);
    if (previous != null) {
      vertx.cancelTimer(previous);
    }
  }
}
