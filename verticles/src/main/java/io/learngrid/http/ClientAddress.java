package io.learngrid.http;

import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;

/** The address a request comes from, for limits that count per client. */
final class ClientAddress {

  private ClientAddress() {}

  static String of(RoutingContext ctx) {
    // The TCP peer for now. Behind nginx this is the proxy: trusted-proxy X-Forwarded-For handling plugs in here.
    SocketAddress peer = ctx.request().remoteAddress();
    return peer == null || peer.hostAddress() == null ? "unknown" : peer.hostAddress();
  }
}
