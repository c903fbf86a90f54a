package io.learngrid.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP forwarder in front of one cluster member's port, that a test can tell to drop a member:
 * every connection that leads to the dropped member, or comes from it, is closed, and new ones are
 * closed as soon as they are accepted, until {@link #heal()}. With one proxy per member, advertised
 * as the member's address, this is a network partition made without privileges (no firewall rule,
 * no namespace). Blocking sockets on virtual threads: nothing here runs on an event loop.
 */
public final class ClusterPortProxy implements AutoCloseable {

  private final String name;
  private final InetSocketAddress target;
  private final ServerSocket server;
  private final Set<Link> links = ConcurrentHashMap.newKeySet();
  private final Set<InetAddress> sources = ConcurrentHashMap.newKeySet();
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();
  private final AtomicInteger cut = new AtomicInteger();
  private final AtomicLong bytes = new AtomicLong();
  /** The addresses of the member cut off from the others, empty while the network is whole. */
  private volatile Set<InetAddress> isolated = Set.of();

  private record Link(InetAddress source, Socket client, Socket upstream) {
    void close() {
      closeQuietly(client);
      closeQuietly(upstream);
    }
  }

  /** Listens on {@code listen} (a free port of a loopback address) and forwards to {@code target}. */
  public ClusterPortProxy(String name, InetSocketAddress listen, InetSocketAddress target) {
    this.name = name;
    this.target = target;
    try {
      server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(listen);
    } catch (IOException e) {
      throw new UncheckedIOException("proxy " + name + " cannot listen on " + listen, e);
    }
    Thread.ofVirtual().name("proxy-" + name + "-accept").start(this::accept);
  }

  /** Where members reach the member behind this proxy: its advertised address. */
  public InetSocketAddress address() {
    return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
  }

  /**
   * Cuts a member off from every other member: {@code member} holds the addresses it listens on
   * and connects from.
   */
  public void isolate(Set<InetAddress> member) {
    isolated = Set.copyOf(member);
    for (Link link : links) {
      if (cutOff(link.source())) {
        cut.incrementAndGet();
        link.close();
      }
    }
  }

  /** Forwards every connection again; the members reconnect by themselves. */
  public void heal() {
    isolated = Set.of();
  }

  private boolean cutOff(InetAddress source) {
    Set<InetAddress> member = isolated;
    return member.contains(source) || member.contains(target.getAddress());
  }

  private void accept() {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return;
      }
      Thread.ofVirtual().name("proxy-" + name + "-open").start(() -> open(client));
    }
  }

  private void open(Socket client) {
    InetAddress source = client.getInetAddress();
    if (cutOff(source)) {
      refused.incrementAndGet();
      closeQuietly(client);
      return;
    }
    Socket upstream = new Socket();
    try {
      upstream.connect(target, 5_000);
    } catch (IOException e) {
      closeQuietly(client);
      closeQuietly(upstream);
      return;
    }
    Link link = new Link(source, client, upstream);
    links.add(link);
    accepted.incrementAndGet();
    sources.add(source);
    // isolate() may have run between the check above and the add: it did not see this link.
    if (cutOff(source)) {
      cut.incrementAndGet();
      links.remove(link);
      link.close();
      return;
    }
    Thread.ofVirtual().name("proxy-" + name + "-up").start(() -> pump(link, client, upstream));
    Thread.ofVirtual().name("proxy-" + name + "-down").start(() -> pump(link, upstream, client));
  }

  /** Copies one direction until either side ends; then the whole link goes, as a cut cable would take it. */
  private void pump(Link link, Socket from, Socket to) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      for (int read; (read = in.read(buffer)) >= 0; ) {
        out.write(buffer, 0, read);
        bytes.addAndGet(read);
      }
    } catch (IOException ended) {
      // the other direction, the member or isolate() closed the link
    } finally {
      links.remove(link);
      link.close();
    }
  }

  /** Connections forwarded so far (not counting those refused while a member was cut off). */
  public int accepted() {
    return accepted.get();
  }

  /** Connections closed at once because they involved the isolated member. */
  public int refused() {
    return refused.get();
  }

  /** Open connections closed by {@link #isolate}. */
  public int cut() {
    return cut.get();
  }

  /** Bytes forwarded, both directions. */
  public long bytes() {
    return bytes.get();
  }

  /** The addresses forwarded connections came from, which tells whether members bind their outgoing sockets as asked. */
  public Set<InetAddress> sources() {
    return Set.copyOf(sources);
  }

  @Override
  public String toString() {
    return "proxy " + name + " " + address() + " -> " + target + ": " + accepted() + " forwarded, " + cut() + " cut, "
        + refused() + " refused, " + bytes() + " bytes, from " + sources();
  }

  @Override
  public void close() {
    closeQuietly(server);
    for (Link link : links) {
      link.close();
    }
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception ignored) {
      // closing is all that is asked; a socket already closed is as good
    }
  }
}
