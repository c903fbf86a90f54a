package io.learngrid.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.bus.BusMessage;
import io.learngrid.bus.Done;
import io.learngrid.bus.jobs.ClaimJobs;
import io.learngrid.bus.jobs.ClaimedJobs;
import io.learngrid.bus.jobs.FinishJob;
import io.learngrid.bus.jobs.FinishedJob;
import io.learngrid.bus.jobs.ReleaseJobs;
import io.learngrid.bus.jobs.RenewJobLeases;
import io.learngrid.bus.jobs.ReportJobProgress;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The published schemas of the bridgeable messages (docs/event-bus/*.json) say what the Java
 * records are: the same fields, and what the Java side sends validates against them.
 */
class BusSchemasTest {

  record Contract(Class<? extends Record> request, Class<? extends Record> reply, BusMessage sample, BusMessage replySample) {}

  private static final String TOKEN = "0b9c4f4e-0d55-4f3c-9f0e-6f5fbd0d2a11";
  private static final Map<String, Contract> CONTRACTS = Map.of(
      ClaimJobs.ADDRESS, new Contract(ClaimJobs.class, ClaimedJobs.class,
          new ClaimJobs("python-1", "lesson-plan", 2, 30_000),
          new ClaimedJobs(List.of(new ClaimedJobs.Claimed("01a2", "u-1", "lesson-plan",
              new JsonObject().put("topic", "fractions"), 2, 3, TOKEN, "the AI did not answer within 120.0 s")))),
      RenewJobLeases.ADDRESS, new Contract(RenewJobLeases.class, Done.class,
          new RenewJobLeases(List.of(TOKEN), 30_000), Done.INSTANCE),
      ReportJobProgress.ADDRESS, new Contract(ReportJobProgress.class, Done.class,
          new ReportJobProgress("01a2", TOKEN, 250, 5_000), Done.INSTANCE),
      FinishJob.ADDRESS, new Contract(FinishJob.class, FinishedJob.class,
          new FinishJob("01a2", TOKEN, null, "the AI upstream is unavailable", true, 2_000), new FinishedJob("queued")),
      ReleaseJobs.ADDRESS, new Contract(ReleaseJobs.class, Done.class, new ReleaseJobs(List.of(TOKEN)), Done.INSTANCE));

  private final JsonSchemaOptions options = new JsonSchemaOptions().setDraft(Draft.DRAFT202012)
      .setBaseUri("https://learngrid.dev/event-bus/schemas/");

  @Test
  @DisplayName("there is a schema for every bridgeable address, and a contract here for each")
  void everyAddress() throws Exception {
    assertThat(BusSchemas.load().keySet()).containsExactlyInAnyOrderElementsOf(BridgeVerticle.INBOUND);
    assertThat(CONTRACTS.keySet()).containsExactlyInAnyOrderElementsOf(BridgeVerticle.INBOUND);
  }

  @Test
  @DisplayName("each schema names exactly the fields of its request and reply records, nested ones included")
  void fieldsAreTheRecords() throws Exception {
    for (var entry : BusSchemas.load().entrySet()) {
      JsonObject schema = entry.getValue().toJsonObject();
      Contract contract = CONTRACTS.get(entry.getKey());
      assertThat(properties(schema)).as(entry.getKey()).isEqualTo(components(contract.request()));
      JsonObject reply = schema.getJsonObject("$defs").getJsonObject("reply");
      assertThat(properties(reply)).as(entry.getKey() + " reply").isEqualTo(components(contract.reply()));
    }
    JsonObject claimed = BusSchemas.load().get(ClaimJobs.ADDRESS).toJsonObject().getJsonObject("$defs")
        .getJsonObject("reply").getJsonObject("properties").getJsonObject("jobs").getJsonObject("items");
    assertThat(properties(claimed)).isEqualTo(components(ClaimedJobs.Claimed.class));
  }

  @Test
  @DisplayName("what the Java side sends and replies validates against the schemas")
  void javaMessagesValidate() throws Exception {
    for (var entry : BusSchemas.load().entrySet()) {
      JsonObject schema = entry.getValue().toJsonObject();
      Contract contract = CONTRACTS.get(entry.getKey());
      OutputUnit request = Validator.create(JsonSchema.of(schema), options).validate(contract.sample().toJson());
      assertThat(request.getValid()).as(entry.getKey() + ": " + request.getErrors()).isTrue();
      JsonObject replySchema = schema.getJsonObject("$defs").getJsonObject("reply").copy()
          .put("$schema", schema.getString("$schema"));
      OutputUnit reply = Validator.create(JsonSchema.of(replySchema), options).validate(contract.replySample().toJson());
      assertThat(reply.getValid()).as(entry.getKey() + " reply: " + reply.getErrors()).isTrue();
    }
  }

  @Test
  @DisplayName("the schemas refuse what the bridge refuses: an unknown field, a claim of 0 or 101 jobs, a short lease")
  void schemasRefuse() throws Exception {
    Validator claim = Validator.create(JsonSchema.of(BusSchemas.load().get(ClaimJobs.ADDRESS).toJsonObject()), options);
    JsonObject good = new ClaimJobs("w", "lesson-plan", 1, 30_000).toJson();
    assertThat(claim.validate(good).getValid()).isTrue();
    assertThat(claim.validate(good.copy().put("codec", "x")).getValid()).isFalse();
    assertThat(claim.validate(good.copy().put("max", 0)).getValid()).isFalse();
    assertThat(claim.validate(good.copy().put("max", BridgeGuard.MAX_CLAIM + 1)).getValid()).isFalse();
    assertThat(claim.validate(good.copy().put("leaseMillis", BridgeGuard.MIN_LEASE_MILLIS - 1)).getValid()).isFalse();
    assertThat(claim.validate(good.copy().put("leaseMillis", BridgeGuard.MAX_LEASE_MILLIS + 1)).getValid()).isFalse();
  }

  private static Set<String> properties(JsonObject schema) {
    return new TreeSet<>(schema.getJsonObject("properties").fieldNames());
  }

  private static Set<String> components(Class<? extends Record> type) {
    return Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName)
        .collect(Collectors.toCollection(TreeSet::new));
  }
}
