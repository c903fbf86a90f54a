package io.learngrid.ai;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.dev.EmbeddedRedis;
import io.learngrid.support.Api;
import io.learngrid.support.CloseAfterAll;
import io.learngrid.support.Eventually;
import io.learngrid.support.LearngridNode;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.TestNode;
import io.learngrid.support.TestServices;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Users over 80 % of their daily AI budget, one gauge without a label per user")
@LearngridNode
class AiUsersNearBudgetTest {

  private static final Pattern GAUGE = Pattern.compile("(?m)^learngrid_ai_budget_users_nearly_spent\\S* (\\S+)$");
  private static final int BUDGET = 600;
  /** A Redis of its own: the day's counter starts at 0 whatever other tests spent. */
  @CloseAfterAll
  private static EmbeddedRedis redis;
  private static NodeSettings settings;
  private final TestNode node;
  private final Api api;

  AiUsersNearBudgetTest(TestNode node) {
    this.node = node;
    this.api = node.api();
  }

  @BeforeAll
  static void ownRedis() {
    redis = TestServices.redisOfItsOwn("ai-users-near-budget");
    settings = NodeSettings.defaults().redisUrl(redis.url()).aiUserDailyTokens(BUDGET).rateLimitAiChatPerMinute(1_000);
  }

  @Test
  @DisplayName("counts each user once when their spend crosses 80 %, not those below it, and not again past it")
  void countsUsersAcrossTheLine() throws Exception {
    assertThat(gauge()).isEqualTo(0);
    String heavy = api.login(api.registerStudent("student-password"), "student-password");
    String light = api.login(api.registerStudent("student-password"), "student-password");
    String other = api.login(api.registerStudent("student-password"), "student-password");

    // One chat stays well under 80 % (the simulator's replies are at most 40 tokens plus the prompt).
    long lightSpent = spend(light);
    assertThat(lightSpent).isLessThan(BUDGET * 8 / 10);
    // Two users go past 80 %; the first keeps going until its budget is spent (429).
    long heavySpent = 0;
    while (heavySpent < BUDGET) {
      long tokens = spend(heavy);
      if (tokens < 0) {
        break;
      }
      heavySpent += tokens;
    }
    for (long spent = 0; spent < BUDGET * 8 / 10; ) {
      spent += spend(other);
    }
    // Budgets are counted after the reply went out.
    Eventually.within(10, () -> gauge() == 2);
    assertThat(node.node().registry().scrape()).doesNotContain("learngrid_ai_budget_users_nearly_spent{user");
    // The light user is still under the line, and a heavy user's further spending does not count twice.
    assertThat(spend(light)).isPositive();
    assertThat(gauge()).isEqualTo(2);
  }

  /** One uncached chat's tokens, or -1 when the budget refused it. */
  private long spend(String token) {
    JsonObject chat = new JsonObject().put("messages", new JsonArray()
        .add(new JsonObject().put("role", "user").put("content", "budget " + UUID.randomUUID())));
    Api.Reply reply = api.post("/api/v1/ai/chat", chat, token);
    if (reply.status() == 429) {
      return -1;
    }
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    JsonObject usage = reply.json().getJsonObject("usage");
    return usage.getLong("promptTokens") + usage.getLong("completionTokens");
  }

  private double gauge() {
    Matcher matcher = GAUGE.matcher(node.node().registry().scrape());
    assertThat(matcher.find()).as("the gauge is exported").isTrue();
    return Double.parseDouble(matcher.group(1));
  }
}
