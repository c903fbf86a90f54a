package io.learngrid.support;

import com.hazelcast.instance.EndpointQualifier;
import com.hazelcast.spi.MemberAddressProvider;
import java.net.InetSocketAddress;
import java.util.Properties;

/**
 * A Hazelcast member that listens on one address and is known to the others by another, its
 * {@link ClusterPortProxy}'s. Hazelcast's own {@code <interfaces>} only matches addresses a network
 * interface lists, and Linux lists 127.0.0.1 alone although all of 127/8 answers; this binds any of
 * them. Properties {@code bind} and {@code public}, as {@code host:port}, come from the XML.
 */
public final class ProxiedMemberAddress implements MemberAddressProvider {

  private final InetSocketAddress bind;
  private final InetSocketAddress published;

  public ProxiedMemberAddress(Properties properties) {
    bind = parse(properties.getProperty("bind"));
    published = parse(properties.getProperty("public"));
  }

  private static InetSocketAddress parse(String hostAndPort) {
    int colon = hostAndPort.lastIndexOf(':');
    return new InetSocketAddress(hostAndPort.substring(0, colon), Integer.parseInt(hostAndPort.substring(colon + 1)));
  }

  @Override
  public InetSocketAddress getBindAddress() {
    return bind;
  }

  @Override
  public InetSocketAddress getBindAddress(EndpointQualifier qualifier) {
    return bind;
  }

  @Override
  public InetSocketAddress getPublicAddress() {
    return published;
  }

  @Override
  public InetSocketAddress getPublicAddress(EndpointQualifier qualifier) {
    return published;
  }
}
