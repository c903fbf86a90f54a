package io.learngrid.bus;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.VertxModule;
import java.util.Map;

/**
 * Maps message records to and from plain JSON objects. Unknown fields are ignored so that a newer
 * peer (in any language) can add fields without breaking older nodes.
 */
public final class BusJson {

  private static final ObjectMapper MAPPER = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
      .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false)
      .setSerializationInclusion(JsonInclude.Include.NON_NULL)
      // Bodies arrive with nested JsonObject/JsonArray values (the event bus copies them so).
      .registerModule(new VertxModule());

  /**
   * Reads without the writer's NON_NULL: {@code convertValue} writes its input out first, and
   * would drop the null values inside a JSON field a record carries as it came (OpenAI options).
   */
  private static final ObjectMapper READER = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
      .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false)
      .registerModule(new VertxModule());

  private BusJson() {}

  @SuppressWarnings("unchecked")
  public static JsonObject toJson(Object record) {
    return new JsonObject(MAPPER.convertValue(record, Map.class));
  }

  public static <T> T fromJson(JsonObject json, Class<T> type) {
    if (json == null) {
      throw BusError.BAD_REQUEST.exception("message body must be a JSON object");
    }
    try {
      return READER.convertValue(json.getMap(), type);
    } catch (IllegalArgumentException e) {
      throw BusError.BAD_REQUEST.exception("message does not match " + type.getSimpleName());
    }
  }
}
