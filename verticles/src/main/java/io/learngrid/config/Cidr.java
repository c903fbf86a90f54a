package io.learngrid.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.regex.Pattern;

/** An address range such as {@code 10.0.0.0/8} or {@code ::1/128}; a bare address is a /32 or /128. */
public record Cidr(byte[] network, int prefixLength) {

  // Literal addresses only, so that parsing never resolves a host name.
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

  /** Parses {@code text}, naming {@code key} in the error when it is not a range. */
  public static Cidr parse(String key, String text) {
    int slash = text.indexOf('/');
    String address = slash < 0 ? text : text.substring(0, slash);
    byte[] bytes = literal(address);
    if (bytes == null) {
      throw new ConfigException(key, "has '" + text + "', which is not an IP address or CIDR range");
    }
    int bits = bytes.length * 8;
    int prefix = bits;
    if (slash >= 0) {
      try {
        prefix = Integer.parseInt(text.substring(slash + 1));
      } catch (NumberFormatException e) {
        prefix = -1;
      }
      if (prefix < 0 || prefix > bits) {
        throw new ConfigException(key, "has '" + text + "', whose prefix length is not 0.." + bits);
      }
    }
    return new Cidr(bytes, prefix);
  }

  /** The bytes of a literal IPv4 or IPv6 address, or null when {@code text} is not one. */
  public static byte[] literal(String text) {
    if (text == null || !(IPV4.matcher(text).matches() || IPV6.matcher(text).matches())) {
      return null;
    }
    try {
      return InetAddress.getByName(text).getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** Whether the literal address {@code text} is in one of {@code ranges} (a host name never is). */
  public static boolean anyContains(List<Cidr> ranges, String text) {
    byte[] bytes = literal(text);
    for (Cidr range : ranges) {
      if (range.contains(bytes)) {
        return true;
      }
    }
    return false;
  }

  public boolean contains(byte[] address) {
    if (address == null || address.length != network.length) {
      return false;
    }
    int whole = prefixLength / 8;
    for (int i = 0; i < whole; i++) {
      if (address[i] != network[i]) {
        return false;
      }
    }
    int rest = prefixLength % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (address[whole] & mask) == (network[whole] & mask);
  }
}
