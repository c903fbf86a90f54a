package io.learngrid.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.Api;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.CloseAfterAll;
import io.learngrid.support.Eventually;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Every test logs in from a loopback address of its own ({@link Api#fromNewAddress()}) with fresh
 * accounts, so that the counters of one test (kept in the shared Redis) never touch another's.
 */
@DisplayName("Failed logins are limited per email and address, per client address, and per account")
class LoginThrottleTest {

  private static final String PASSWORD = "right-password";
  private static final String LOGIN = "/api/v1/auth/login";

  @CloseAfterAll
  private static TestNode defaults;
  @CloseAfterAll
  private static TestNode lowIpLimit;
  @CloseAfterAll
  private static TestNode shortWindow;
  @CloseAfterAll
  private static TestNode accountLimit;
  @CloseAfterAll
  private static TestNode limitsOff;

  @BeforeAll
  static void startNodes() {
    defaults = NodeSettings.defaults().start();
    lowIpLimit = NodeSettings.defaults().loginMaxFailuresPerIp(3).start();
    shortWindow = NodeSettings.defaults().loginMaxFailuresPerEmail(2).loginWindowSeconds(2).start();
    accountLimit = NodeSettings.defaults().loginMaxFailuresPerEmail(3).loginMaxFailuresPerAccount(6).start();
    limitsOff = NodeSettings.defaults().rateLimitsOff()
        // Budgets that would refuse at once if the switch did not turn them off too.
        .rateLimitPerUserPerMinute(1).rateLimitPerIpPerMinute(1)
        .start();
  }

  @Test
  @DisplayName("after 5 failures for one email from one address the next login from there is a 429 with Retry-After, even with the right password; from elsewhere the owner gets in")
  void fiveFailuresPerEmailAndAddress() {
    Api api = defaults.api().fromNewAddress();
    String email = api.registerStudent(PASSWORD);
    for (int i = 0; i < 5; i++) {
      assertThat(login(api, email, "wrong-password").status()).isEqualTo(401);
    }

    Reply refused = login(api, email, "wrong-password");
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(refused.json().getInteger("status")).isEqualTo(429);
    assertThat(Integer.parseInt(refused.header("Retry-After"))).isBetween(1, 900);
    assertThat(login(api, email, PASSWORD).status()).as("the right password from the guessing address").isEqualTo(429);
    assertThat(login(defaults.api().fromNewAddress(), email, PASSWORD).status())
        .as("an attacker cannot lock the owner out: the right password from another address").isEqualTo(200);
    assertThat(login(api, api.registerStudent(PASSWORD), PASSWORD).status())
        .as("another email from the same address is not blocked").isEqualTo(200);
  }

  @Test
  @DisplayName("guesses from many addresses over the account's limit: only an address the owner signed in from still passes")
  void accountWideLimitSparesKnownAddresses() {
    Api home = accountLimit.api().fromNewAddress();
    String email = home.registerStudent(PASSWORD);
    assertThat(login(home, email, PASSWORD).status()).as("the owner signs in from home").isEqualTo(200);
    for (int attacker = 0; attacker < 3; attacker++) {
      Api from = accountLimit.api().fromNewAddress();
      for (int i = 0; i < 2; i++) {
        assertThat(login(from, email, "wrong-password").status()).isEqualTo(401);
      }
    }
    assertThat(login(accountLimit.api().fromNewAddress(), email, PASSWORD).status())
        .as("a new address, even with the right password, once the account is over its limit").isEqualTo(429);
    assertThat(login(accountLimit.api().fromNewAddress(), email, "wrong-password").status()).isEqualTo(429);
    assertThat(login(home, email, PASSWORD).status()).as("the owner's known address").isEqualTo(200);
  }

  @Test
  @DisplayName("an unknown email is limited like a known one, so the 429 reveals nothing")
  void unknownEmailsAreCountedToo() {
    Api api = defaults.api().fromNewAddress();
    String nobody = "nobody-" + UUID.randomUUID() + "@test.learngrid";
    for (int i = 0; i < 5; i++) {
      assertThat(login(api, nobody, "any-password").status()).isEqualTo(401);
    }
    assertThat(login(api, nobody, "any-password").status()).isEqualTo(429);
  }

  @Test
  @DisplayName("successful logins do not count as failures")
  void successesDoNotCount() {
    Api api = defaults.api().fromNewAddress();
    String email = api.registerStudent(PASSWORD);
    for (int i = 0; i < 4; i++) {
      assertThat(login(api, email, "wrong-password").status()).isEqualTo(401);
    }
    for (int i = 0; i < 3; i++) {
      assertThat(login(api, email, PASSWORD).status()).isEqualTo(200);
    }
    assertThat(login(api, email, "wrong-password").status()).as("the fifth failure").isEqualTo(401);
    assertThat(login(api, email, PASSWORD).status()).isEqualTo(429);
  }

  @Test
  @DisplayName("a burst of parallel guesses gets no more tries than the limit")
  void parallelGuessesAreLimitedToo() throws Exception {
    Api api = defaults.api().fromNewAddress();
    String email = api.registerStudent(PASSWORD);
    int parallel = 16;
    CyclicBarrier start = new CyclicBarrier(parallel);
    ExecutorService pool = Executors.newFixedThreadPool(parallel);
    try {
      List<Future<Reply>> replies = new ArrayList<>();
      for (int i = 0; i < parallel; i++) {
        replies.add(pool.submit(() -> {
          start.await();
          return login(api, email, "guess-" + UUID.randomUUID());
        }));
      }
      List<Integer> statuses = new ArrayList<>();
      for (Future<Reply> reply : replies) {
        statuses.add(reply.get().status());
      }
      assertThat(statuses).containsOnly(401, 429);
      assertThat(statuses).filteredOn(status -> status == 401).hasSize(5);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  @DisplayName("a class signing in at once from one address (a school NAT) is not refused: the address counts failures, not logins in flight")
  void classBehindOneAddressSignsInAtOnce() throws Exception {
    Api school = lowIpLimit.api().fromNewAddress();
    int students = 30;
    List<String> emails = new ArrayList<>();
    for (int i = 0; i < students; i++) {
      emails.add(school.registerStudent(PASSWORD));
    }
    CyclicBarrier start = new CyclicBarrier(students);
    ExecutorService pool = Executors.newFixedThreadPool(students);
    try {
      List<Future<Reply>> replies = new ArrayList<>();
      for (String email : emails) {
        replies.add(pool.submit(() -> {
          start.await();
          return login(school, email, PASSWORD);
        }));
      }
      for (Future<Reply> reply : replies) {
        assertThat(reply.get().status()).as("over the address's limit of 3 failures, with none failed").isEqualTo(200);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  @DisplayName("failures from one address over its limit block every email from there, but not elsewhere")
  void failuresPerAddress() {
    Api attacker = lowIpLimit.api().fromNewAddress();
    for (int i = 0; i < 3; i++) {
      assertThat(login(attacker, "victim-" + UUID.randomUUID() + "@test.learngrid", "guess").status()).isEqualTo(401);
    }
    String email = attacker.registerStudent(PASSWORD);
    Reply refused = login(attacker, email, PASSWORD);
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.header("Retry-After")).isNotBlank();
    assertThat(login(lowIpLimit.api().fromNewAddress(), email, PASSWORD).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("the block lifts when the window ends")
  void blockEndsWithTheWindow() throws Exception {
    Api api = shortWindow.api().fromNewAddress();
    String email = api.registerStudent(PASSWORD);
    // The window is 2 s from the first failure; on a slow machine it may end before the limit is
    // reached, so fail until refused rather than a fixed number of times.
    Reply last = login(api, email, "wrong-password");
    for (int i = 0; i < 20 && last.status() == 401; i++) {
      last = login(api, email, "wrong-password");
    }
    assertThat(last.status()).isEqualTo(429);
    assertThat(Integer.parseInt(last.header("Retry-After"))).isBetween(1, 2);
    Eventually.within(10, () -> login(api, email, PASSWORD).status() == 200);
  }

  @Test
  @DisplayName("with LEARNGRID_RATE_LIMITS=off nothing is refused and no RateLimit headers are sent")
  void limitsCanBeTurnedOff() {
    Api api = limitsOff.api().fromNewAddress();
    String email = api.registerStudent(PASSWORD);
    for (int i = 0; i < 25; i++) {
      assertThat(login(api, email, "wrong-password").status()).isEqualTo(401);
    }
    Reply success = login(api, email, PASSWORD);
    assertThat(success.status()).isEqualTo(200);
    String token = success.json().getString("accessToken");
    for (int i = 0; i < 5; i++) {
      Reply me = api.get("/api/v1/me", token);
      assertThat(me.status()).isEqualTo(200);
      assertThat(me.header("RateLimit-Limit")).isNull();
    }
  }

  private static Reply login(Api api, String email, String password) {
    return api.post(LOGIN, new JsonObject().put("email", email).put("password", password), null);
  }
}
