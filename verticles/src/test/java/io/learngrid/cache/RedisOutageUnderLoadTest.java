package io.learngrid.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.dev.EmbeddedRedis;
import io.learngrid.support.Api;
import io.learngrid.support.CloseAfterAll;
import io.learngrid.support.Eventually;
import io.learngrid.support.LearngridNode;
import io.learngrid.support.LearningFixture;
import io.learngrid.support.LearningFixture.Account;
import io.learngrid.support.LearningFixture.Assignment;
import io.learngrid.support.LearningFixture.QuestionSpec;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.TestNode;
import io.learngrid.support.TestServices;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Redis stops under load and starts again")
@LearngridNode
class RedisOutageUnderLoadTest {

  private static final String[] PHASES = {"before", "outage", "after"};

  @CloseAfterAll
  private static EmbeddedRedis redis;
  @CloseAfterAll
  private static final LearningFixture fixture = LearningFixture.open();
  private static NodeSettings settings;
  private final TestNode node;

  RedisOutageUnderLoadTest(TestNode node) {
    this.node = node;
  }

  @BeforeAll
  static void start() {
    redis = TestServices.redisOfItsOwn("redis-outage-load");
    // Near entries expire quickly, so that reads keep reaching Redis and the outage is felt.
    settings = NodeSettings.defaults().redisUrl(redis.url()).nearCacheTtlSeconds(1);
  }

  @Test
  @DisplayName("reads and submissions never fail with a 5xx, readiness says redis DOWN but stays 200, caching recovers")
  void noServerErrorsDuringAnOutage() throws Exception {
    Account teacher = fixture.teacher();
    String course = fixture.course(teacher.id());
    List<Account> students = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Account student = fixture.student();
      fixture.enroll(course, student.id());
      students.add(student);
    }
    Assignment quiz = fixture.assignment(course, List.of(new QuestionSpec("text", "Paris", 1)));
    Api api = node.api();

    AtomicInteger phase = new AtomicInteger();
    List<Map<Integer, LongAdder>> statuses = List.of(new ConcurrentHashMap<>(), new ConcurrentHashMap<>(),
        new ConcurrentHashMap<>());
    LongAdder[] requests = {new LongAdder(), new LongAdder(), new LongAdder()};
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService load = Executors.newVirtualThreadPerTaskExecutor();
    for (int w = 0; w < 6; w++) {
      Account student = students.get(w % students.size());
      int worker = w;
      load.submit(() -> {
        for (int n = 0; !stop.get(); n++) {
          int status = switch ((n + worker) % 4) {
            case 0 -> api.get("/api/v1/courses/" + course, teacher.token()).status();
            case 1 -> api.get("/api/v1/assignments/" + quiz.id(), student.token()).status();
            case 2 -> api.post("/api/v1/assignments/" + quiz.id() + "/answers", new JsonObject()
                .put("questionId", quiz.questionIds().get(0)).put("answer", n % 2 == 0 ? "Paris" : "Rome"),
                student.token()).status();
            default -> api.get("/api/v1/me/progress", student.token()).status();
          };
          int current = phase.get();
          statuses.get(current).computeIfAbsent(status, s -> new LongAdder()).increment();
          requests[current].increment();
        }
      });
    }
    try {
      Eventually.within(60, () -> requests[0].sum() >= 100);

      redis.stop();
      phase.set(1);
      Eventually.within(60, () -> "DOWN".equals(readiness(api).getJsonObject("checks").getString("redis")));
      assertThat(api.get("/health/ready", null).status()).isEqualTo(200);
      // Near entries live 1 s: after that, reads reach the missing Redis (and PostgreSQL).
      Eventually.within(60, () -> requests[1].sum() >= 200 && count("redis", "error") > 0);

      redis.start();
      Eventually.within(60, () -> "UP".equals(readiness(api).getJsonObject("checks").getString("redis")));
      phase.set(2);
      double hitsAtReturn = count("near", "hit") + count("redis", "hit");
      double lookupsAtReturn = hitsAtReturn + count("redis", "miss") + count("redis", "error");
      Eventually.within(60, () -> requests[2].sum() >= 200 && count("redis", "hit") > 0);
      double hits = count("near", "hit") + count("redis", "hit") - hitsAtReturn;
      double lookups = count("near", "hit") + count("redis", "hit") + count("redis", "miss") + count("redis", "error")
          - lookupsAtReturn;
      assertThat(hits / lookups).isGreaterThan(0.5);
    } finally {
      stop.set(true);
      load.shutdown();
      assertThat(load.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
    }
    for (int p = 0; p < PHASES.length; p++) {
      assertThat(statuses.get(p).keySet()).as("statuses %s the outage: %s", PHASES[p], statuses.get(p))
          .isNotEmpty()
          .allMatch(status -> status == 200 || status == 202);
    }
  }

  private static JsonObject readiness(Api api) {
    return api.get("/health/ready", null).json();
  }

  private double count(String level, String result) {
    return node.node().registry().find("learngrid.cache.requests").tag("level", level).tag("result", result)
        .counters().stream().mapToDouble(counter -> counter.count()).sum();
  }
}
