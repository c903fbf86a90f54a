package io.learngrid.ai;

import static io.learngrid.support.Simulators.url;
import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.bus.ai.ChatModeration;
import io.learngrid.simulator.AiSimulatorVerticle;
import io.learngrid.simulator.SimulatorSettings;
import io.learngrid.support.Api;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.CloseAfterAll;
import io.learngrid.support.LearngridNode;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.Simulators;
import io.learngrid.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Content moderation (LEARNGRID_AI_MODERATION=both) through the upstream's /v1/moderations")
@LearngridNode
class AiModerationTest {

  private static final String FLAGGED = "forbidden-topic";
  /** The simulator's prose is drawn from these nouns: flagging them all flags every reply, and no input of ours. */
  private static final String[] REPLY_WORDS = {"learner", "lesson", "concept", "practice", "quiz", "memory",
      "feedback", "example", "summary", "pattern", "review", "skill", "topic", "answer", "step", "principle"};
  @CloseAfterAll
  private static final Simulators upstreams = new Simulators();
  private static AiSimulatorVerticle upstream;
  private static NodeSettings settings;
  private final TestNode node;
  private final Api api;

  AiModerationTest(TestNode node) {
    this.node = node;
    this.api = node.api();
  }

  @BeforeAll
  static void start() {
    upstream = upstreams.start(SimulatorSettings.defaults().withTiming(0, 0).withFlaggedWords(FLAGGED));
    settings = NodeSettings.defaults().aiUrl(url(upstream)).with("AI_MODERATION", "both")
        .rateLimitAiChatPerMinute(100_000);
  }

  @AfterEach
  void flagOnlyTheWord() {
    upstream.flagWords(FLAGGED);
  }

  @Test
  @DisplayName("a flagged message is refused with 422 problem+json before any chat call, and counted")
  void flaggedInputIsRefused() {
    String student = api.account("student").token();
    long chats = upstream.chatRequests();
    long moderations = upstream.moderationRequests();
    double flaggedBefore = counter("input", "flagged");

    Reply reply = api.post("/api/v1/ai/chat", chat("tell me all about the FORBIDDEN-TOPIC " + UUID.randomUUID()), student);
    assertThat(reply.status()).isEqualTo(422);
    assertThat(reply.header("Content-Type")).startsWith("application/problem+json");
    assertThat(reply.json().getString("detail")).isEqualTo(ChatModeration.FLAGGED_INPUT);
    assertThat(upstream.chatRequests()).isEqualTo(chats);
    assertThat(upstream.moderationRequests()).isEqualTo(moderations + 1);
    assertThat(counter("input", "flagged")).isEqualTo(flaggedBefore + 1);

    // Streamed: refused the same way, before the event stream starts.
    JsonObject streamed = chat("again the forbidden-topic " + UUID.randomUUID()).put("stream", true);
    Reply stream = api.post("/api/v1/ai/chat", streamed, student);
    assertThat(stream.status()).isEqualTo(422);
    assertThat(stream.json().getString("detail")).isEqualTo(ChatModeration.FLAGGED_INPUT);
    assertThat(upstream.chatRequests()).isEqualTo(chats);
  }

  @Test
  @DisplayName("a clean chat is checked twice (its messages, then the reply) and answered")
  void cleanChatPasses() {
    String student = api.account("student").token();
    long moderations = upstream.moderationRequests();
    double passed = counter("output", "passed");
    Reply reply = api.post("/api/v1/ai/chat", chat("photosynthesis " + UUID.randomUUID()), student);
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    assertThat(reply.json().getJsonObject("message").getString("content")).isNotBlank();
    assertThat(upstream.moderationRequests()).isEqualTo(moderations + 2);
    assertThat(counter("output", "passed")).isEqualTo(passed + 1);
  }

  @Test
  @DisplayName("a flagged reply is refused with 422 and not cached: the same prompt later calls the model again")
  void flaggedReplyIsNeitherShownNorCached() {
    String student = api.account("student").token();
    JsonObject body = chat("photosynthesis " + UUID.randomUUID());
    upstream.flagWords(REPLY_WORDS);
    long chats = upstream.chatRequests();
    Reply reply = api.post("/api/v1/ai/chat", body, student);
    assertThat(reply.status()).isEqualTo(422);
    assertThat(reply.json().getString("detail")).isEqualTo(ChatModeration.FLAGGED_OUTPUT);
    assertThat(upstream.chatRequests()).isEqualTo(chats + 1);

    upstream.flagWords(FLAGGED);
    Reply again = api.post("/api/v1/ai/chat", body, student);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().getBoolean("cached")).isFalse();
    assertThat(upstream.chatRequests()).isEqualTo(chats + 2);
  }

  private double counter(String stage, String outcome) {
    Matcher matcher = Pattern.compile("(?m)^learngrid_ai_moderation_total\\{[^}]*outcome=\"" + outcome
        + "\",stage=\"" + stage + "\"[^}]*} (\\S+)$").matcher(node.node().registry().scrape());
    return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
  }

  private static JsonObject chat(String content) {
    return new JsonObject().put("messages", new JsonArray().add(new JsonObject().put("role", "user")
        .put("content", content)));
  }
}
