package io.learngrid.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.security.PublicAddresses;
import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.DisplayName;

@DisplayName("Webhook destinations (SSRF): which addresses are public")
class PublicAddressesTest {

  @ParameterizedTest(name = "{0} is refused")
  @ValueSource(strings = {"0.0.0.0", "10.1.2.3", "100.64.0.1", "127.0.0.1", "127.255.0.9", "169.254.169.254",
      "172.16.0.1", "172.31.255.255", "192.0.0.8", "192.0.2.1", "192.168.1.1", "198.18.0.1", "198.51.100.7",
      "203.0.113.9", "224.0.0.251", "239.255.255.250", "240.0.0.1", "255.255.255.255",
      "::", "::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::127.0.0.1", "::ffff:169.254.169.254", "fc00::1",
      "fd12:3456::1", "fe80::1", "fec0::1", "ff02::1", "2001:db8::1", "2001:0:4136:e378::1", "64:ff9b::a00:1",
      "64:ff9b::7f00:1", "2002:7f00:1::1", "2002:c0a8:101::1"})
  void refused(String address) throws Exception {
    assertThat(PublicAddresses.isPublic(InetAddress.getByName(address))).isFalse();
  }

  @ParameterizedTest(name = "{0} is public")
  @ValueSource(strings = {"1.1.1.1", "8.8.8.8", "100.63.255.255", "100.128.0.1", "172.15.255.255", "172.32.0.1",
      "192.169.0.1", "223.255.255.254", "2606:4700:4700::1111", "2a00:1450:4001:80b::200e", "::ffff:8.8.8.8",
      "64:ff9b::808:808", "2002:808:808::1"})
  void allowed(String address) throws Exception {
    assertThat(PublicAddresses.isPublic(InetAddress.getByName(address))).isTrue();
  }

  @ParameterizedTest(name = "{0} is not a webhook URL")
  @ValueSource(strings = {"ftp://example.org/x", "file:///etc/passwd", "http://user:pw@example.org/", "http:///path",
      "https://example.org/#frag", "not a url", "gopher://example.org"})
  void badUrls(String url) {
    assertThat(PublicAddresses.badUrl(url)).isNotNull();
  }
}
