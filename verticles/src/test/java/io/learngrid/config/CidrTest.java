package io.learngrid.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Trusted-proxy ranges")
class CidrTest {

  @Test
  @DisplayName("a range holds the addresses under its prefix, of its own family only")
  void containsByPrefix() {
    Cidr tens = Cidr.parse("K", "10.0.0.0/8");
    assertThat(tens.contains(Cidr.literal("10.255.1.2"))).isTrue();
    assertThat(tens.contains(Cidr.literal("11.0.0.1"))).isFalse();
    assertThat(tens.contains(Cidr.literal("::1"))).isFalse();

    Cidr odd = Cidr.parse("K", "192.168.4.0/22");
    assertThat(odd.contains(Cidr.literal("192.168.7.255"))).isTrue();
    assertThat(odd.contains(Cidr.literal("192.168.8.0"))).isFalse();

    assertThat(Cidr.parse("K", "127.0.0.1").contains(Cidr.literal("127.0.0.1"))).isTrue();
    assertThat(Cidr.parse("K", "127.0.0.1").contains(Cidr.literal("127.0.0.2"))).isFalse();
    assertThat(Cidr.parse("K", "0.0.0.0/0").contains(Cidr.literal("8.8.8.8"))).isTrue();
    assertThat(Cidr.parse("K", "fd00::/8").contains(Cidr.literal("fd12:3456::1"))).isTrue();
    assertThat(Cidr.parse("K", "fd00::/8").contains(Cidr.literal("fe80::1"))).isFalse();
  }

  @Test
  @DisplayName("host names and bad prefixes are refused, naming the key, and nothing is resolved")
  void refusesWhatIsNotARange() {
    assertThat(Cidr.literal("localhost")).isNull();
    assertThat(Cidr.literal("beef.cafe")).isNull();
    assertThat(Cidr.literal("1.2.3")).isNull();
    assertThatThrownBy(() -> Cidr.parse("LEARNGRID_TRUSTED_PROXIES", "nginx"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("LEARNGRID_TRUSTED_PROXIES");
    assertThatThrownBy(() -> Cidr.parse("LEARNGRID_TRUSTED_PROXIES", "10.0.0.0/x"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("LEARNGRID_TRUSTED_PROXIES");
    assertThatThrownBy(() -> Cidr.parse("LEARNGRID_TRUSTED_PROXIES", "::1/129"))
        .isInstanceOf(ConfigException.class);
  }
}
