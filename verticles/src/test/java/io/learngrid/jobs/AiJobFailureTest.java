package io.learngrid.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.Api;
import io.learngrid.support.Api.Account;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.CloseAfterAll;
import io.learngrid.support.Database;
import io.learngrid.support.LearngridNode;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.ScriptedUpstream;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("AI jobs whose upstream misbehaves")
@LearngridNode
class AiJobFailureTest {

  private static final int MAX_ATTEMPTS = 3;
  @CloseAfterAll
  private static ScriptedUpstream upstream;
  private static NodeSettings settings;
  private final Api api;

  AiJobFailureTest(Api api) {
    this.api = api;
  }

  @BeforeAll
  static void start() {
    // The tests share one database: a job another class left queued would be claimed by this node's
    // worker and reach the scripted upstream, adding to the calls these tests count.
    // (Before the node starts, so none is claimed first; on a fresh database the table is not there yet.)
    Database.update("DO $$ BEGIN IF to_regclass('jobs') IS NOT NULL THEN"
        + " DELETE FROM jobs WHERE status IN ('queued', 'running'); END IF; END $$");
    upstream = new ScriptedUpstream(new ScriptedUpstream.Fail(500));
    settings = NodeSettings.defaults().aiUrl(upstream.url()).aiJobsMaxAttempts(MAX_ATTEMPTS).aiJobsBackoffMillis(20)
        .aiJobsPollMillis(50)
        // The breaker must not open during these tests: each attempt should reach the upstream.
        .aiBreakerMaxFailures(1000)
        // Job attempts are what these tests count: the gateway's own retries of a 500 would add upstream
        // calls, and could still be running when the next test starts counting.
        .aiMaxRetries(0);
  }

  @BeforeEach
  void eachTestCountsItsOwnCalls() {
    upstream.play(new ScriptedUpstream.Fail(500));
  }

  private String submit(Account teacher, int count) {
    Reply accepted = api.post("/api/v1/ai/questions", AiJobsTest.questionsRequest(count), teacher.token());
    assertThat(accepted.status()).isEqualTo(202);
    return accepted.json().getString("jobId");
  }

  @Test
  @DisplayName("questions that assignment creation would refuse are retried, then the job fails naming the problem")
  void invalidQuestionsFailClearly() throws InterruptedException {
    JsonObject badQuestion = new JsonObject().put("prompt", "Pick one").put("kind", "choice")
        .put("choices", new JsonArray().add("a").add("b")).put("answer", "c").put("points", 1);
    upstream.play(new ScriptedUpstream.Reply("Here you go:\n```json\n"
        + new JsonObject().put("questions", new JsonArray().add(badQuestion)).encode() + "\n```"));
    int before = upstream.requests();
    Account teacher = api.account("teacher");

    JsonObject job = AiJobsTest.finished(api, submit(teacher, 1), teacher.token());

    assertThat(job.getString("status")).isEqualTo("failed");
    assertThat(job.getInteger("attempts")).isEqualTo(MAX_ATTEMPTS);
    assertThat(job.getString("error")).contains("questions[0].answer must be one of the choices")
        .contains("gave up after attempt 3 of 3");
    assertThat(job.containsKey("result")).isFalse();
    assertThat(job.getString("finishedAt")).isNotBlank();
    assertThat(upstream.requests() - before).isEqualTo(MAX_ATTEMPTS);
  }

  @Test
  @DisplayName("unusable replies are not kept in the reply cache: the next job with the same input asks the model again")
  void unusableRepliesAreNotCached() throws InterruptedException {
    upstream.play(new ScriptedUpstream.Reply("I would rather write an essay."));
    Account teacher = api.account("teacher");
    JsonObject input = AiJobsTest.questionsRequest(1);
    for (int job = 1; job <= 2; job++) {
      int before = upstream.requests();
      Reply accepted = api.post("/api/v1/ai/questions", input, teacher.token());
      assertThat(accepted.status()).isEqualTo(202);

      JsonObject finished = AiJobsTest.finished(api, accepted.json().getString("jobId"), teacher.token());

      assertThat(finished.getString("status")).isEqualTo("failed");
      assertThat(upstream.requests() - before).as("upstream calls of job " + job).isEqualTo(MAX_ATTEMPTS);
    }
  }

  @Test
  @DisplayName("a reply that is not JSON is retried, and a later valid reply makes the job succeed")
  void retryThenSuccess() throws InterruptedException {
    // The first attempt gets prose, every later one a valid quiz. (Switching after the first request
    // was seen raced with the retry, 20 ms later: all three attempts could get prose.)
    JsonObject good = new JsonObject().put("prompt", "2 + 2?").put("kind", "number").put("answer", 4).put("points", 2);
    upstream.play(new ScriptedUpstream.Reply("I would rather write an essay."),
        new ScriptedUpstream.Reply(new JsonObject().put("questions", new JsonArray().add(good)).encode()));
    Account teacher = api.account("teacher");
    String jobId = submit(teacher, 1);

    JsonObject job = AiJobsTest.finished(api, jobId, teacher.token());

    assertThat(job.getString("status")).isEqualTo("succeeded");
    assertThat(job.getInteger("attempts")).isEqualTo(2);
    assertThat(job.getJsonObject("result").getJsonArray("questions")).containsExactly(good);
    assertThat(job.containsKey("error")).isFalse();
  }

  @Test
  @DisplayName("an upstream that keeps failing: the POST still answers 202 at once, and the job fails clearly")
  void upstreamDown() throws InterruptedException {
    Account teacher = api.account("teacher");
    int before = upstream.requests();

    JsonObject job = AiJobsTest.finished(api, submit(teacher, 2), teacher.token());

    assertThat(job.getString("status")).isEqualTo("failed");
    assertThat(job.getString("error")).contains("AI upstream is unavailable").contains("gave up after attempt 3 of 3");
    // At least one call per attempt (the proxy may retry a 500 on its own).
    assertThat(upstream.requests() - before).isGreaterThanOrEqualTo(MAX_ATTEMPTS);
  }
}
