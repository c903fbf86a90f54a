package io.learngrid.bus;

/**
 * One event-bus address with the message it takes and the reply it gives: the typed stub of an
 * address, the way a gRPC method descriptor ties a request to its response. Each request record
 * holds its own as {@code ENDPOINT}; {@link BusClient#request} and {@link Bus#serve} take it, so a
 * caller cannot expect, nor a handler return, another reply type than the address gives.
 */
public record Endpoint<Q extends BusMessage, R extends BusMessage>(String address, Class<Q> request, Class<R> reply) {

  public static <Q extends BusMessage, R extends BusMessage> Endpoint<Q, R> of(String address, Class<Q> request,
                                                                               Class<R> reply) {
    return new Endpoint<>(address, request, reply);
  }

  /** The same messages on another address: per-node addresses such as a node's near-cache invalidation. */
  public Endpoint<Q, R> at(String otherAddress) {
    return new Endpoint<>(otherAddress, request, reply);
  }
}
