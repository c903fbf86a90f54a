package io.learngrid.security;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Where a webhook may deliver (server-side request forgery): only public unicast addresses. A URL's
 * host is resolved, and every address it resolves to must be public, so neither a name that points
 * inside the network nor one with a public and a private address passes. Refused: unspecified,
 * loopback, private (RFC 1918), shared (100.64/10), link-local, benchmarking, documentation and
 * reserved IPv4 ranges, multicast and broadcast; IPv6 loopback, unique-local (fc00::/7), link- and
 * site-local, multicast, documentation, and IPv6 forms that carry an IPv4 address (mapped,
 * compatible, NAT64, 6to4, Teredo), which are judged by that IPv4 address or refused.
 *
 * <p>{@link #resolve} blocks on DNS: call it on a worker thread.
 */
public final class PublicAddresses {

  private PublicAddresses() {}

  /** Why {@code url} may not be a webhook's, or null when it may (http/https, a host, no user info). */
  public static String badUrl(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (Exception e) {
      return "is not a URL";
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return "must be an http or https URL";
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      return "must name a host";
    }
    if (uri.getRawUserInfo() != null) {
      return "must not carry a user name or password";
    }
    if (uri.getRawFragment() != null) {
      return "must not have a fragment";
    }
    return null;
  }

  /**
   * The address to connect to for {@code host}: its first address when all are public (or
   * {@code allowPrivate}); an {@link UnknownHostException} when it does not resolve, an
   * {@link IllegalArgumentException} saying why when one address is not public.
   */
  public static InetAddress resolve(String host, boolean allowPrivate) throws UnknownHostException {
    String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    InetAddress[] addresses = InetAddress.getAllByName(bare);
    if (!allowPrivate) {
      for (InetAddress address : addresses) {
        if (!isPublic(address)) {
          throw new IllegalArgumentException(host + " resolves to " + address.getHostAddress()
              + ", a loopback, private, link-local or otherwise non-public address");
        }
      }
    }
    return addresses[0];
  }

  public static boolean isPublic(InetAddress address) {
    if (address instanceof Inet4Address v4) {
      return isPublic4(v4.getAddress());
    }
    if (address instanceof Inet6Address v6) {
      return isPublic6(v6.getAddress());
    }
    return false;
  }

  private static boolean isPublic4(byte[] b) {
    int a0 = b[0] & 0xff;
    int a1 = b[1] & 0xff;
    int a2 = b[2] & 0xff;
    return !(a0 == 0                                   // "this network"
        || a0 == 10                                    // private
        || a0 == 100 && a1 >= 64 && a1 <= 127          // shared (carrier-grade NAT)
        || a0 == 127                                   // loopback
        || a0 == 169 && a1 == 254                      // link-local (cloud metadata lives here)
        || a0 == 172 && a1 >= 16 && a1 <= 31           // private
        || a0 == 192 && a1 == 0 && a2 == 0             // IETF protocol assignments
        || a0 == 192 && a1 == 0 && a2 == 2             // documentation
        || a0 == 192 && a1 == 88 && a2 == 99           // 6to4 relay anycast
        || a0 == 192 && a1 == 168                      // private
        || a0 == 198 && (a1 == 18 || a1 == 19)         // benchmarking
        || a0 == 198 && a1 == 51 && a2 == 100          // documentation
        || a0 == 203 && a1 == 0 && a2 == 113           // documentation
        || a0 >= 224);                                 // multicast, reserved, broadcast
  }

  private static boolean isPublic6(byte[] b) {
    int first = b[0] & 0xff;
    boolean zeroTo10 = true;
    for (int i = 0; i < 10; i++) {
      zeroTo10 &= b[i] == 0;
    }
    // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible, which also covers :: and ::1).
    if (zeroTo10 && ((b[10] == (byte) 0xff && b[11] == (byte) 0xff) || (b[10] == 0 && b[11] == 0))) {
      if (b[10] == 0 && allZero(b, 10, 15) && (b[15] == 0 || b[15] == 1)) {
        return false; // :: and ::1
      }
      return isPublic4(new byte[] {b[12], b[13], b[14], b[15]});
    }
    // NAT64 64:ff9b::/96: the IPv4 address in the last 32 bits.
    if (b[0] == 0 && b[1] == 0x64 && b[2] == (byte) 0xff && b[3] == (byte) 0x9b) {
      return isPublic4(new byte[] {b[12], b[13], b[14], b[15]});
    }
    // 6to4 2002::/16: the IPv4 address in bits 16..47.
    if (b[0] == 0x20 && b[1] == 0x02) {
      return isPublic4(new byte[] {b[2], b[3], b[4], b[5]});
    }
    // Teredo 2001:0::/32 (tunnels to anywhere) and documentation 2001:db8::/32.
    if (b[0] == 0x20 && b[1] == 0x01 && (b[2] == 0 && b[3] == 0 || b[2] == 0x0d && b[3] == (byte) 0xb8)) {
      return false;
    }
    return !(first == 0xfc || first == 0xfd            // unique-local fc00::/7
        || first == 0xfe && (b[1] & 0xc0) == 0x80      // link-local fe80::/10
        || first == 0xfe && (b[1] & 0xc0) == 0xc0      // site-local fec0::/10 (deprecated)
        || first == 0xff                               // multicast
        || first == 0);                                // the rest of ::/8 (reserved)
  }

  private static boolean allZero(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
