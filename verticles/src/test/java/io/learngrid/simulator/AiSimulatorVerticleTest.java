package io.learngrid.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 15, timeUnit = TimeUnit.SECONDS)
@DisplayName("The AI upstream simulator")
class AiSimulatorVerticleTest {

  private static final String HOST = "127.0.0.1";
  private static final String COMPLETIONS = "/v1/chat/completions";
  /** Fast timing keeps the suite quick while still going through the timers. */
  private static final SimulatorSettings FAST = SimulatorSettings.defaults().withTiming(1, 1);

  @Test
  @DisplayName("answers a non-streaming request with an OpenAI chat.completion body and usage")
  void nonStreamingReply(Vertx vertx, VertxTestContext testContext) {
    long before = Instant.now().getEpochSecond();
    deploy(vertx, FAST)
        .compose(sim -> post(vertx, sim, chat("Explain spaced repetition", false).put("model", "gpt-4o-mini"))
            .map(response -> {
              testContext.verify(() -> {
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.getHeader("Content-Type")).startsWith("application/json");
                JsonObject body = response.bodyAsJsonObject();
                assertThat(body.getString("id")).startsWith("chatcmpl-");
                assertThat(body.getString("object")).isEqualTo("chat.completion");
                assertThat(body.getLong("created")).isBetween(before, Instant.now().getEpochSecond());
                assertThat(body.getString("model")).isEqualTo("gpt-4o-mini");
                JsonObject choice = body.getJsonArray("choices").getJsonObject(0);
                assertThat(choice.getInteger("index")).isZero();
                assertThat(choice.getString("finish_reason")).isEqualTo("stop");
                JsonObject message = choice.getJsonObject("message");
                assertThat(message.getString("role")).isEqualTo("assistant");
                String content = message.getString("content");
                assertThat(content).isNotBlank().endsWith(".");
                JsonObject usage = body.getJsonObject("usage");
                // "You are a tutor." + "Explain spaced repetition"
                assertThat(usage.getInteger("prompt_tokens")).isEqualTo(7);
                assertThat(usage.getInteger("completion_tokens"))
                    .isEqualTo(FAST.maxTokens())
                    .isEqualTo(content.split("\\s+").length);
                assertThat(usage.getInteger("total_tokens")).isEqualTo(7 + FAST.maxTokens());
                assertThat(sim.chatRequests()).isEqualTo(1);
              });
              return response;
            }))
        .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  @DisplayName("names the simulated model when the request names none")
  void defaultModel(Vertx vertx, VertxTestContext testContext) {
    deploy(vertx, FAST)
        .compose(sim -> post(vertx, sim, chat("Hello", false)))
        .onComplete(testContext.succeeding(response -> testContext.verify(() -> {
          assertThat(response.bodyAsJsonObject().getString("model")).isEqualTo(AiSimulatorVerticle.DEFAULT_MODEL);
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("gives the same words for the same prompt and different words for another prompt")
  void deterministicContent(Vertx vertx, VertxTestContext testContext) {
    deploy(vertx, FAST).compose(sim -> post(vertx, sim, chat("What is retrieval practice?", false))
            .compose(first -> post(vertx, sim, chat("What is retrieval practice?", false))
                .compose(second -> post(vertx, sim, chat("What is interleaving?", false))
                    .map(third -> List.of(content(first), content(second), content(third))))))
        .onComplete(testContext.succeeding(contents -> testContext.verify(() -> {
          assertThat(contents.get(1)).isEqualTo(contents.get(0));
          assertThat(contents.get(2)).isNotEqualTo(contents.get(0));
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("streams delta chunks, then a final chunk with usage, then [DONE], spelling the non-streamed answer")
  void streaming(Vertx vertx, VertxTestContext testContext) {
    String prompt = "Summarise the forgetting curve";
    deploy(vertx, FAST).compose(sim -> post(vertx, sim, chat(prompt, true))
            .compose(streamed -> post(vertx, sim, chat(prompt, false))
                .map(plain -> List.of(streamed, plain))))
        .onComplete(testContext.succeeding(responses -> testContext.verify(() -> {
          HttpResponse<Buffer> streamed = responses.get(0);
          assertThat(streamed.statusCode()).isEqualTo(200);
          assertThat(streamed.getHeader("Content-Type")).isEqualTo("text/event-stream");
          String raw = streamed.bodyAsString();
          assertThat(raw).endsWith("data: [DONE]\n\n");

          List<String> events = sseData(raw);
          assertThat(events.getLast()).isEqualTo("[DONE]");
          List<JsonObject> chunks = events.subList(0, events.size() - 1).stream().map(JsonObject::new).toList();
          List<JsonObject> deltas = chunks.subList(0, chunks.size() - 1);
          assertThat(deltas).hasSizeGreaterThanOrEqualTo(2);
          String id = chunks.getFirst().getString("id");
          StringBuilder text = new StringBuilder();
          for (JsonObject chunk : deltas) {
            assertThat(chunk.getString("object")).isEqualTo("chat.completion.chunk");
            assertThat(chunk.getString("id")).isEqualTo(id);
            JsonObject choice = chunk.getJsonArray("choices").getJsonObject(0);
            assertThat(choice.getValue("finish_reason")).isNull();
            text.append(choice.getJsonObject("delta").getString("content"));
          }
          assertThat(deltas.getFirst().getJsonArray("choices").getJsonObject(0).getJsonObject("delta")
              .getString("role")).isEqualTo("assistant");

          JsonObject last = chunks.getLast();
          assertThat(last.getJsonArray("choices").getJsonObject(0).getString("finish_reason")).isEqualTo("stop");
          JsonObject usage = last.getJsonObject("usage");
          // "You are a tutor." + "Summarise the forgetting curve"
          assertThat(usage.getInteger("prompt_tokens")).isEqualTo(8);
          assertThat(usage.getInteger("completion_tokens")).isEqualTo(deltas.size());
          assertThat(usage.getInteger("total_tokens")).isEqualTo(8 + deltas.size());

          assertThat(text.toString()).isEqualTo(content(responses.get(1)));
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("cuts the answer at the client's max_tokens and reports finish_reason length")
  void maxTokens(Vertx vertx, VertxTestContext testContext) {
    deploy(vertx, FAST)
        .compose(sim -> post(vertx, sim, chat("Be brief", false).put("max_tokens", 5)))
        .onComplete(testContext.succeeding(response -> testContext.verify(() -> {
          JsonObject body = response.bodyAsJsonObject();
          assertThat(body.getJsonArray("choices").getJsonObject(0).getString("finish_reason")).isEqualTo("length");
          assertThat(body.getJsonObject("usage").getInteger("completion_tokens")).isEqualTo(5);
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("answers 500 with an OpenAI error body when errorRate is 1")
  void injectedServerError(Vertx vertx, VertxTestContext testContext) {
    deploy(vertx, FAST.withFaults(1.0, 0.0))
        .compose(sim -> post(vertx, sim, chat("Hello", false)))
        .onComplete(testContext.succeeding(response -> testContext.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(500);
          JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
          assertThat(error.getString("type")).isEqualTo("server_error");
          assertThat(error.getString("message")).isNotBlank();
          assertThat(error.containsKey("param")).isTrue();
          assertThat(error.containsKey("code")).isTrue();
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("answers 429 with Retry-After: 1 and an OpenAI error body when rateLimitRate is 1")
  void injectedRateLimit(Vertx vertx, VertxTestContext testContext) {
    deploy(vertx, FAST.withFaults(0.0, 1.0))
        .compose(sim -> post(vertx, sim, chat("Hello", true)))
        .onComplete(testContext.succeeding(response -> testContext.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(429);
          assertThat(response.getHeader("Retry-After")).isEqualTo("1");
          JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
          assertThat(error.getString("code")).isEqualTo("rate_limit_exceeded");
          assertThat(error.getString("message")).isNotBlank();
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("takes a fault plan of over 1 KB sent with curl's form Content-Type, and says why it refuses a bad one")
  void faultPlanWhateverTheContentType(Vertx vertx, VertxTestContext testContext) {
    JsonArray plan = new JsonArray();
    for (int i = 0; i < 300; i++) {
      plan.add("none");
    }
    deploy(vertx, FAST).compose(sim -> {
          WebClient client = WebClient.create(vertx);
          Future<HttpResponse<Buffer>> form = client.post(sim.actualPort(), HOST, "/sim/faults")
              .putHeader("Content-Type", "application/x-www-form-urlencoded")
              .sendBuffer(new JsonObject().put("next", plan.add("500")).toBuffer());
          return form.compose(accepted -> post(vertx, sim, chat("Hello", false)).map(first -> List.of(accepted, first)))
              .compose(replies -> client.post(sim.actualPort(), HOST, "/sim/faults")
                  .putHeader("Content-Type", "application/x-www-form-urlencoded").sendBuffer(Buffer.buffer("next=429"))
                  .map(refused -> List.of(replies.get(0), replies.get(1), refused)));
        })
        .onComplete(testContext.succeeding(replies -> testContext.verify(() -> {
          assertThat(replies.get(0).statusCode()).as(replies.get(0).bodyAsString()).isEqualTo(204);
          assertThat(replies.get(1).statusCode()).as("the plan's first step, none, lets it through").isEqualTo(200);
          assertThat(replies.get(2).statusCode()).isEqualTo(400);
          assertThat(replies.get(2).bodyAsJsonObject().getJsonObject("error").getString("message")).contains("next");
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("fails the same requests on every run for a given seed")
  void deterministicFaults(Vertx vertx, VertxTestContext testContext) {
    SimulatorSettings flaky = FAST.withFaults(0.3, 0.3).withSeed(7);
    statuses(vertx, flaky, 12)
        .compose(first -> statuses(vertx, flaky, 12).map(second -> List.of(first, second)))
        .onComplete(testContext.succeeding(runs -> testContext.verify(() -> {
          assertThat(runs.get(1)).isEqualTo(runs.get(0));
          assertThat(runs.get(0)).contains(200).containsAnyOf(429, 500);
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("writes the requested number of valid quiz questions as JSON when asked for questions in JSON")
  void questionGeneration(Vertx vertx, VertxTestContext testContext) {
    String prompt = "Generate 5 questions about photosynthesis for a year 9 class, answer as JSON only.";
    deploy(vertx, FAST)
        .compose(sim -> post(vertx, sim, chat(prompt, false)))
        .onComplete(testContext.succeeding(response -> testContext.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(200);
          JsonArray questions = new JsonObject(content(response)).getJsonArray("questions");
          assertThat(questions).hasSize(5);
          for (int i = 0; i < questions.size(); i++) {
            JsonObject question = questions.getJsonObject(i);
            assertThat(question.getString("prompt")).isNotBlank();
            assertThat(question.getInteger("points")).isBetween(1, 5);
            String kind = question.getString("kind");
            assertThat(kind).isIn("choice", "text", "number");
            Object answer = question.getValue("answer");
            switch (kind) {
              case "choice" -> {
                JsonArray choices = question.getJsonArray("choices");
                assertThat(choices).hasSize(4);
                assertThat(Set.copyOf(choices.getList())).hasSize(4);
                assertThat(choices.getList()).contains(answer);
              }
              case "number" -> assertThat(answer).isInstanceOf(Number.class);
              default -> assertThat(answer).isInstanceOf(String.class);
            }
          }
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("stops a stream and counts it as cancelled when the client closes the connection mid-stream")
  void cancelledStream(Vertx vertx, VertxTestContext testContext) {
    // 40 tokens at 20 ms each leaves the stream running long after the first chunk.
    SimulatorSettings slow = SimulatorSettings.defaults().withTiming(1, 20);
    deploy(vertx, slow).onComplete(testContext.succeeding(sim -> {
      HttpClient client = vertx.createHttpClient();
      client.request(HttpMethod.POST, sim.actualPort(), HOST, COMPLETIONS)
          .compose(request -> request.putHeader("Content-Type", "application/json")
              .send(chat("Stream a long answer", true).encode()))
          .onComplete(testContext.succeeding(response -> {
            boolean[] closed = {false};
            response.handler(chunk -> {
              if (!closed[0]) {
                closed[0] = true;
                response.request().connection().close();
              }
            });
            awaitCancelledStream(vertx, sim, testContext);
          }));
    }));
  }

  @Test
  @DisplayName("rejects malformed bodies with 400 and an invalid_request_error naming the parameter")
  void badRequests(Vertx vertx, VertxTestContext testContext) {
    deploy(vertx, FAST).compose(sim -> {
          WebClient client = WebClient.create(vertx);
          Future<HttpResponse<Buffer>> notJson = client.post(sim.actualPort(), HOST, COMPLETIONS)
              .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer("{not json"));
          Future<HttpResponse<Buffer>> noMessages = post(vertx, sim, new JsonObject().put("messages", new JsonArray()));
          Future<HttpResponse<Buffer>> badContent = post(vertx, sim, new JsonObject().put("messages",
              new JsonArray().add(new JsonObject().put("role", "user").put("content", 42))));
          return Future.all(notJson, noMessages, badContent).map(all -> List.of(
              notJson.result(), noMessages.result(), badContent.result()));
        })
        .onComplete(testContext.succeeding(responses -> testContext.verify(() -> {
          List<String> params = new ArrayList<>();
          for (HttpResponse<Buffer> response : responses) {
            assertThat(response.statusCode()).isEqualTo(400);
            JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
            assertThat(error.getString("type")).isEqualTo("invalid_request_error");
            assertThat(error.getString("message")).isNotBlank();
            params.add(error.getString("param"));
          }
          assertThat(params).containsExactly(null, "messages", "messages[0].content");
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("/v1/moderations flags the inputs that contain a configured word, one result per input, in OpenAI's shape")
  void moderations(Vertx vertx, VertxTestContext testContext) {
    deploy(vertx, FAST.withFlaggedWords("Gloomy")).compose(sim -> {
          WebClient client = WebClient.create(vertx);
          Future<HttpResponse<Buffer>> list = client.post(sim.actualPort(), HOST, "/v1/moderations")
              .sendJsonObject(new JsonObject().put("input", new JsonArray().add("a sunny day").add("a GLOOMY day")));
          Future<HttpResponse<Buffer>> one = client.post(sim.actualPort(), HOST, "/v1/moderations")
              .sendJsonObject(new JsonObject().put("input", "gloomy"));
          Future<HttpResponse<Buffer>> bad = client.post(sim.actualPort(), HOST, "/v1/moderations")
              .sendJsonObject(new JsonObject().put("input", 7));
          return Future.all(list, one, bad).map(all -> List.of(list.result(), one.result(), bad.result(),
              sim.moderationRequests()));
        })
        .onComplete(testContext.succeeding(replies -> testContext.verify(() -> {
          JsonArray results = ((HttpResponse<?>) replies.get(0)).bodyAsJsonObject().getJsonArray("results");
          assertThat(results).hasSize(2);
          assertThat(results.getJsonObject(0).getBoolean("flagged")).isFalse();
          assertThat(results.getJsonObject(1).getBoolean("flagged")).isTrue();
          assertThat(results.getJsonObject(1).getJsonObject("categories").getBoolean("harassment")).isTrue();
          assertThat(((HttpResponse<?>) replies.get(1)).bodyAsJsonObject().getJsonArray("results").getJsonObject(0)
              .getBoolean("flagged")).isTrue();
          assertThat(((HttpResponse<?>) replies.get(2)).statusCode()).isEqualTo(400);
          assertThat(replies.get(3)).isEqualTo(3L);
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("lists its model, reports health, and answers unknown routes with a JSON 404")
  void otherRoutes(Vertx vertx, VertxTestContext testContext) {
    deploy(vertx, FAST).compose(sim -> {
          WebClient client = WebClient.create(vertx);
          Future<HttpResponse<Buffer>> models = client.get(sim.actualPort(), HOST, "/v1/models").send();
          Future<HttpResponse<Buffer>> health = client.get(sim.actualPort(), HOST, "/health").send();
          Future<HttpResponse<Buffer>> unknown = client.get(sim.actualPort(), HOST, "/v1/nothing").send();
          return Future.all(models, health, unknown).map(all -> List.of(
              models.result(), health.result(), unknown.result()));
        })
        .onComplete(testContext.succeeding(responses -> testContext.verify(() -> {
          assertThat(responses.get(0).bodyAsJsonObject()).isEqualTo(new JsonObject()
              .put("object", "list")
              .put("data", new JsonArray().add(new JsonObject().put("id", "learngrid-sim").put("object", "model"))));
          assertThat(responses.get(1).bodyAsJsonObject()).isEqualTo(new JsonObject().put("status", "UP"));
          assertThat(responses.get(2).statusCode()).isEqualTo(404);
          assertThat(responses.get(2).bodyAsJsonObject().getJsonObject("error").getString("message"))
              .contains("/v1/nothing");
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("refuses settings out of range, naming the field")
  void settingsValidation() {
    SimulatorSettings d = SimulatorSettings.defaults();
    assertThatThrownBy(() -> d.withFaults(1.5, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("errorRate");
    assertThatThrownBy(() -> d.withFaults(0, -0.1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rateLimitRate");
    assertThatThrownBy(() -> d.withTiming(-1, 5)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("firstTokenMillis");
    assertThatThrownBy(() -> d.withMaxTokens(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxTokens");
    assertThatThrownBy(() -> d.withPort(70_000)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("port");
    assertThat(SimulatorSettings.fromJson(new JsonObject().put("tokenMillis", 9)))
        .isEqualTo(d.withTiming(d.firstTokenMillis(), 9));
  }

  private static Future<AiSimulatorVerticle> deploy(Vertx vertx, SimulatorSettings settings) {
    AiSimulatorVerticle simulator = new AiSimulatorVerticle(settings);
    return vertx.deployVerticle(simulator).map(id -> simulator);
  }

  private static Future<HttpResponse<Buffer>> post(Vertx vertx, AiSimulatorVerticle sim, JsonObject body) {
    return WebClient.create(vertx).post(sim.actualPort(), HOST, COMPLETIONS).sendJsonObject(body);
  }

  /** Status codes of {@code count} sequential requests to a fresh simulator. */
  private static Future<List<Integer>> statuses(Vertx vertx, SimulatorSettings settings, int count) {
    return deploy(vertx, settings).compose(sim -> {
      List<Integer> statuses = new ArrayList<>();
      Future<Void> chain = Future.succeededFuture();
      for (int i = 0; i < count; i++) {
        chain = chain.compose(v -> post(vertx, sim, chat("Hello", false))
            .map(response -> {
              statuses.add(response.statusCode());
              return null;
            }));
      }
      return chain.map(v -> statuses);
    });
  }

  /** Polls the counter instead of sleeping: the server notices the close asynchronously. */
  private static void awaitCancelledStream(Vertx vertx, AiSimulatorVerticle sim, VertxTestContext testContext) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    vertx.setPeriodic(10, timerId -> {
      if (sim.cancelledStreams() == 1) {
        vertx.cancelTimer(timerId);
        testContext.verify(() -> assertThat(sim.chatRequests()).isEqualTo(1));
        testContext.completeNow();
      } else if (System.nanoTime() > deadline) {
        vertx.cancelTimer(timerId);
        testContext.failNow("cancelledStreams stayed at " + sim.cancelledStreams());
      }
    });
  }

  private static JsonObject chat(String userContent, boolean stream) {
    return new JsonObject()
        .put("messages", new JsonArray()
            .add(new JsonObject().put("role", "system").put("content", "You are a tutor."))
            .add(new JsonObject().put("role", "user").put("content", userContent)))
        .put("stream", stream);
  }

  private static String content(HttpResponse<Buffer> response) {
    return response.bodyAsJsonObject().getJsonArray("choices").getJsonObject(0)
        .getJsonObject("message").getString("content");
  }

  private static List<String> sseData(String raw) {
    List<String> data = new ArrayList<>();
    for (String event : raw.split("\n\n")) {
      assertThat(event).startsWith("data: ");
      data.add(event.substring("data: ".length()));
    }
    return data;
  }
}
