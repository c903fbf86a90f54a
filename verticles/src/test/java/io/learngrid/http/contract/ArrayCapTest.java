package io.learngrid.http.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Arrays are cut before a body is checked against the contract")
class ArrayCapTest {

  private static JsonArray numbers(int count) {
    JsonArray array = new JsonArray();
    for (int i = 0; i < count; i++) {
      array.add(i);
    }
    return array;
  }

  @Test
  @DisplayName("the cap is one more than the largest maxItems, following $refs")
  void capFromTheSchema() {
    JsonObject contract = new JsonObject().put("components", new JsonObject().put("schemas", new JsonObject()
        .put("Choices", new JsonObject().put("type", "array").put("maxItems", 20))));
    JsonObject schema = new JsonObject().put("type", "object").put("properties", new JsonObject()
        .put("questions", new JsonObject().put("type", "array").put("maxItems", 200).put("items", new JsonObject()
            .put("properties", new JsonObject().put("choices", new JsonObject().put("$ref", "#/components/schemas/Choices"))))));
    ContractErrors errors = new ContractErrors(contract);
    assertThat(ArrayCap.of(schema, errors)).isEqualTo(201);
    assertThat(ArrayCap.of(new JsonObject().put("type", "object"), errors)).isZero();
    assertThat(ArrayCap.of(new JsonObject().put("properties", new JsonObject()
        .put("tags", new JsonObject().put("type", "array"))), errors)).as("an array without maxItems").isZero();
  }

  @Test
  @DisplayName("long arrays are cut at any depth; the request's own JSON is left as it is")
  void cutsWithoutTouchingTheOriginal() {
    JsonObject body = new JsonObject().put("title", "t").put("questions", new JsonArray()
        .add(new JsonObject().put("choices", numbers(10))).add(new JsonObject().put("choices", numbers(3))))
        .put("tags", numbers(2));
    JsonObject cut = (JsonObject) ArrayCap.cut(body, 5);
    assertThat(cut.getJsonArray("questions").getJsonObject(0).getJsonArray("choices")).isEqualTo(numbers(5));
    assertThat(cut.getJsonArray("questions").getJsonObject(1).getJsonArray("choices")).isEqualTo(numbers(3));
    assertThat(body.getJsonArray("questions").getJsonObject(0).getJsonArray("choices")).hasSize(10);
    assertThat(ArrayCap.cut(numbers(7), 5)).isEqualTo(numbers(5));
    JsonObject small = new JsonObject().put("questions", new JsonArray().add(new JsonObject().put("choices", numbers(2))));
    assertThat(ArrayCap.cut(small, 5)).isSameAs(small);
  }
}
