package io.learngrid.ai;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.bus.BusClient;
import io.learngrid.bus.Done;
import io.learngrid.bus.ai.AiUsage;
import io.learngrid.bus.ai.RecordAiUsage;
import io.learngrid.support.Api;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.Database;
import io.learngrid.support.Eventually;
import io.learngrid.support.LearngridNode;
import io.learngrid.support.TestNode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("AI usage reports from the daily roll-ups (GET /api/v1/admin/ai/usage)")
@LearngridNode
class AiUsageReportTest {

  private final TestNode node;
  private final Api api;

  AiUsageReportTest(TestNode node) {
    this.node = node;
    this.api = node.api();
  }

  @Test
  @DisplayName("batches recorded at once from many senders roll up to exactly the raw rows' sums, and the report groups them")
  void concurrentBatchesRollUpToTheRawRows() throws Exception {
    // Days of their own, far from any other test's usage: the report over them holds only these rows.
    // The last day of a month, one in the middle of the next and the first of the one after: a
    // report over them takes the whole month from the monthly roll-up and the ends from the daily one.
    LocalDate month = freshMonth();
    List<LocalDate> days = List.of(month.minusDays(1), month.plusDays(14), month.plusMonths(1));
    List<String> users = List.of(UUID.randomUUID().toString(), UUID.randomUUID().toString(), UUID.randomUUID().toString());
    List<String> models = List.of("roll-a-" + UUID.randomUUID(), "roll-b-" + UUID.randomUUID());
    Map<String, long[]> byUser = new HashMap<>();
    Map<String, long[]> byModel = new HashMap<>();
    Map<String, long[]> byDay = new HashMap<>();
    List<RecordAiUsage> batches = new ArrayList<>();
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int b = 0; b < 24; b++) {
      List<AiUsage> rows = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        // Every batch touches the same few keys: the roll-up rows are contended on purpose.
        String user = i % 7 == 0 ? null : users.get(random.nextInt(users.size()));
        String model = models.get(random.nextInt(models.size()));
        LocalDate day = days.get(random.nextInt(days.size()));
        int prompt = random.nextInt(1, 500);
        int completion = random.nextInt(1, 900);
        long at = day.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli() + random.nextLong(86_400_000);
        rows.add(new AiUsage(user, model, "default", "chat", prompt, completion, (prompt + 2.0 * completion) / 1000,
            5, false, false, at, null));
        for (long[] sums : List.of(sums(byUser, String.valueOf(user)), sums(byModel, model), sums(byDay, day.toString()))) {
          sums[0]++;
          sums[1] += prompt;
          sums[2] += completion;
          sums[3] += prompt + 2L * completion;
        }
      }
      batches.add(new RecordAiUsage(rows));
    }
    BusClient persistence = new BusClient(node.node().vertx(), 30_000);
    List<Future<Done>> sent = batches.stream().map(batch -> persistence.request(RecordAiUsage.ENDPOINT, batch)).toList();
    Future.all(sent).await(60, TimeUnit.SECONDS);

    // Each roll-up agrees with the raw rows, column by column (the raw table read directly, as no report does).
    String raw = """
        SELECT count(*) || '/' || sum(prompt_tokens) || '/' || sum(completion_tokens) || '/' || sum(cost)
        FROM ai_usage WHERE %s AND created_at >= ?::date AND created_at < ?::date + 1""";
    String rolled = """
        SELECT sum(requests) || '/' || sum(prompt_tokens) || '/' || sum(completion_tokens) || '/' || sum(cost)
        FROM %s WHERE %s AND %s BETWEEN ?::date AND ?::date""";
    String first = days.get(0).toString();
    String last = days.get(2).toString();
    try (var connection = Database.connect()) {
      var modelArray = connection.createArrayOf("text", models.toArray());
      var userArray = connection.createArrayOf("uuid", users.toArray());
      Object allRaw = Database.value(raw.formatted("model = ANY (?)"), modelArray, first, last);
      assertThat(allRaw).isEqualTo(total(byDay, 0) + "/" + total(byDay, 1) + "/" + total(byDay, 2) + "/"
          + new BigDecimal(total(byDay, 3)).movePointLeft(3).setScale(6));
      assertThat(Database.value(rolled.formatted("ai_usage_daily_models", "model = ANY (?)", "day"), modelArray, first,
          last)).isEqualTo(allRaw);
      Object ownedRaw = Database.value(raw.formatted("user_id = ANY (?)"), userArray, first, last);
      assertThat(Database.value(rolled.formatted("ai_usage_daily_users", "user_id = ANY (?)", "day"), userArray, first,
          last)).isEqualTo(ownedRaw);
      assertThat(Database.value(rolled.formatted("ai_usage_monthly_users", "user_id = ANY (?)", "month"), userArray,
          days.get(0).withDayOfMonth(1).toString(), last)).isEqualTo(ownedRaw);
      assertThat(Database.value(rolled.formatted("ai_usage_weekly_users", "user_id = ANY (?)", "week"), userArray,
          days.get(0).minusDays(6).toString(), last)).isEqualTo(ownedRaw);
    }

    String range = "from=" + first + "&to=" + last;
    assertThat(items(range + "&groupBy=model")).isEqualTo(expected(byModel));
    assertThat(items(range + "&groupBy=day")).isEqualTo(expected(byDay));
    Map<String, List<Object>> perUser = items(range + "&groupBy=user");
    assertThat(perUser).isEqualTo(expected(byUser));
    // Parts of the range: one day; the whole month without its neighbours.
    assertThat(items("from=" + days.get(1) + "&to=" + days.get(1) + "&groupBy=day")).containsOnlyKeys(days.get(1).toString());
    Map<String, long[]> middle = new HashMap<>();
    middle.put(days.get(1).toString(), byDay.get(days.get(1).toString()));
    assertThat(items("from=" + month + "&to=" + month.plusMonths(1).minusDays(1) + "&groupBy=day"))
        .isEqualTo(expected(middle));
    assertThat(items("from=" + month + "&to=" + month.plusMonths(1).minusDays(1) + "&groupBy=user").values()
        .stream().mapToLong(item -> (Long) item.get(0)).sum()).isEqualTo(byDay.get(days.get(1).toString())[0]);
    // Three weeks inside the middle month: whole weeks from the weekly roll-up, the ends from the daily one.
    Map<String, List<Object>> weeks = items("from=" + month.plusDays(3) + "&to=" + month.plusDays(24) + "&groupBy=user");
    long[] middleDay = byDay.get(days.get(1).toString());
    assertThat(weeks.values().stream().mapToLong(item -> (Long) item.get(0)).sum()).isEqualTo(middleDay[0]);
    assertThat(weeks.values().stream().mapToLong(item -> (Long) item.get(1)).sum()).isEqualTo(middleDay[1]);
    assertThat(weeks.values().stream().mapToLong(item -> (Long) item.get(2)).sum()).isEqualTo(middleDay[2]);
  }

  @Test
  @DisplayName("a chat through the gateway shows up under its user and model, cached replies counted at no tokens")
  void aChatIsReportedUnderItsUser() throws Exception {
    Api.Account student = api.account("student");
    JsonObject chat = new JsonObject().put("messages", new JsonArray()
        .add(new JsonObject().put("role", "user").put("content", "usage report " + UUID.randomUUID())));
    JsonObject reply = api.post("/api/v1/ai/chat", chat, student.token()).json();
    assertThat(api.post("/api/v1/ai/chat", chat, student.token()).json().getBoolean("cached")).isTrue();
    long prompt = reply.getJsonObject("usage").getLong("promptTokens");
    long completion = reply.getJsonObject("usage").getLong("completionTokens");
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    String query = "from=" + today.minusDays(1) + "&to=" + today.plusDays(1) + "&groupBy=user";
    // Usage is recorded off the reply path, in batches every 500 ms.
    Eventually.within(10, () -> items(query).containsKey(student.id()));
    assertThat(items(query).get(student.id())).isEqualTo(List.of(2L, prompt, completion, 0.0));
  }

  @Test
  @DisplayName("missing or malformed dates, a reversed or too long range and an unknown groupBy are 400 problems")
  void badParametersAre400() {
    String admin = api.adminToken();
    for (String query : List.of("", "from=2026-01-01&to=2026-01-31", "from=2026-01-01&groupBy=day",
        "from=2026-01-01&to=2026-01-31&groupBy=week", "from=2026-02-30&to=2026-03-01&groupBy=day",
        "from=01/02/2026&to=2026-03-01&groupBy=day", "from=2026-03-02&to=2026-03-01&groupBy=day",
        "from=2025-01-01&to=2026-01-02&groupBy=day", "from=2026-01-01&to=2026-01-0" + "1".repeat(20) + "&groupBy=day")) {
      Reply reply = api.get("/api/v1/admin/ai/usage?" + query, admin);
      assertThat(reply.status()).as(query).isEqualTo(400);
      assertThat(reply.header("Content-Type")).as(query).startsWith("application/problem+json");
    }
    // The longest range allowed: 366 days, both ends included.
    assertThat(api.get("/api/v1/admin/ai/usage?from=2024-01-01&to=2024-12-31&groupBy=model", admin).status())
        .isEqualTo(200);
  }

  @Test
  @DisplayName("teachers and students are refused with 403, anonymous callers with 401")
  void onlyAdmins() {
    String query = "/api/v1/admin/ai/usage?from=2026-01-01&to=2026-01-02&groupBy=user";
    assertThat(api.get(query, api.teacherToken()).status()).isEqualTo(403);
    assertThat(api.get(query, api.account("student").token()).status()).isEqualTo(403);
    assertThat(api.get(query, null).status()).isEqualTo(401);
  }

  /** key → [requests, promptTokens, completionTokens, cost] of the report. */
  private Map<String, List<Object>> items(String query) {
    Reply reply = api.get("/api/v1/admin/ai/usage?" + query, api.adminToken());
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    Map<String, List<Object>> items = new HashMap<>();
    for (Object item : reply.json().getJsonArray("items")) {
      JsonObject json = (JsonObject) item;
      items.put(String.valueOf(json.getString("key")), List.of(json.getLong("requests"), json.getLong("promptTokens"),
          json.getLong("completionTokens"), json.getDouble("cost")));
    }
    return items;
  }

  private static Map<String, List<Object>> expected(Map<String, long[]> sums) {
    Map<String, List<Object>> expected = new HashMap<>();
    sums.forEach((key, s) -> expected.put(key, List.of(s[0], s[1], s[2], BigDecimal.valueOf(s[3]).movePointLeft(3)
        .doubleValue())));
    return expected;
  }

  private static long[] sums(Map<String, long[]> map, String key) {
    return map.computeIfAbsent(key, k -> new long[4]);
  }

  private static long total(Map<String, long[]> map, int column) {
    return map.values().stream().mapToLong(s -> s[column]).sum();
  }

  /** The first day of a month far from any other test's usage. */
  private static LocalDate freshMonth() {
    return LocalDate.of(2200, 1, 1).plusMonths(ThreadLocalRandom.current().nextInt(6_000));
  }
}
