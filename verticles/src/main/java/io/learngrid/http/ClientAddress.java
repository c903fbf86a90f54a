package io.learngrid.http;

import io.learngrid.config.Cidr;
import io.vertx.core.Handler;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * The address a request comes from, for limits that count per client. The TCP peer, unless the
 * peer is a trusted proxy ({@code LEARNGRID_TRUSTED_PROXIES}): then X-Forwarded-For is read from
 * the right, skipping trusted proxies, and the first address that is not one is the client. Only
 * the proxies append to the header, so everything left of that address may be forged and is not
 * looked at; a header sent by an untrusted peer is ignored altogether.
 */
public final class ClientAddress implements Handler<RoutingContext> {

  private static final String KEY = "learngrid.clientAddress";

  /** Addresses read from one header at most: a longer chain is cut, never walked further. */
  private static final int MAX_HOPS = 16;

  private final List<Cidr> trusted;

  public ClientAddress(List<Cidr> trusted) {
    this.trusted = trusted;
  }

  /** Resolves the client once per request, for {@link #of} further down the route. */
  @Override
  public void handle(RoutingContext ctx) {
    ctx.put(KEY, resolve(ctx));
    ctx.next();
  }

  /** The client of this request (the TCP peer when no resolving handler ran). */
  public static String of(RoutingContext ctx) {
    String resolved = ctx.get(KEY);
    return resolved != null ? resolved : new ClientAddress(List.of()).resolve(ctx);
  }

  String resolve(RoutingContext ctx) {
    SocketAddress peer = ctx.request().remoteAddress();
    String address = peer == null || peer.hostAddress() == null ? "unknown" : strip(peer.hostAddress());
    if (trusted.isEmpty() || !isTrusted(address)) {
      return address;
    }
    List<String> headers = ctx.request().headers().getAll("X-Forwarded-For");
    int hops = 0;
    for (int h = headers.size() - 1; h >= 0; h--) {
      String[] parts = headers.get(h).split(",");
      for (int i = parts.length - 1; i >= 0; i--) {
        String hop = strip(parts[i].trim());
        if (hop.isEmpty()) {
          continue;
        }
        if (++hops > MAX_HOPS || Cidr.literal(hop) == null) {
          // Not an address (or a chain too long to be real): the last trusted hop is the best we know.
          return address;
        }
        address = hop;
        if (!isTrusted(hop)) {
          return hop;
        }
      }
    }
    return address;
  }

  private boolean isTrusted(String address) {
    return Cidr.anyContains(trusted, address);
  }

  /** Drops an IPv6 zone ({@code %lo}) and the brackets and port some proxies add. */
  private static String strip(String address) {
    String a = address;
    if (a.startsWith("[")) {
      int end = a.indexOf(']');
      a = end < 0 ? a.substring(1) : a.substring(1, end);
    } else if (a.indexOf(':') > 0 && a.indexOf(':') == a.lastIndexOf(':')) {
      a = a.substring(0, a.indexOf(':'));   // IPv4 with a port
    }
    int zone = a.indexOf('%');
    return zone < 0 ? a : a.substring(0, zone);
  }
}
