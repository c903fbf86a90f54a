package io.learngrid.ai;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.Api;
import io.learngrid.support.Eventually;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The deployment's AI budget on /metrics, for the budget alert")
class AiBudgetMetricsTest {

  private static final Pattern SPENT = Pattern.compile("(?m)^learngrid_ai_budget_global_spent_tokens\\S* (\\S+)$");

  @Test
  @DisplayName("the limit, and the spend counted by the node's own requests")
  void limitAndSpendAreExported() throws Exception {
    try (TestNode node = NodeSettings.defaults().with("AI_GLOBAL_DAILY_TOKENS", 50_000_000).start()) {
      Api api = node.api();
      String student = api.login(api.registerStudent("student-password"), "student-password");
      JsonObject chat = new JsonObject().put("messages", new JsonArray()
          .add(new JsonObject().put("role", "user").put("content", "budget metrics " + UUID.randomUUID())));
      JsonObject reply = api.post("/api/v1/ai/chat", chat, student).json();
      long tokens = reply.getJsonObject("usage").getLong("promptTokens") + reply.getJsonObject("usage").getLong("completionTokens");

      // Counted after the reply went out: the next scrape that has it.
      Eventually.within(10, () -> spent(node) >= tokens);
      assertThat(node.node().registry().scrape()).contains("learngrid_ai_budget_global_limit_tokens 5.0E7");
    }
  }

  private static double spent(TestNode node) {
    Matcher matcher = SPENT.matcher(node.node().registry().scrape());
    return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
  }
}
