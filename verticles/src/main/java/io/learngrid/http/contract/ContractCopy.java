package io.learngrid.http.contract;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.MediaType;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The served openapi.yaml as JSON, and the copy of it that the validators are built from: adjusted
 * where vertx-openapi 5.0.8 cannot take the served file as it is (see package-info.java), changing
 * nothing that requests are checked against.
 */
final class ContractCopy {

  private ContractCopy() {}

  static JsonObject parse(Buffer yaml) {
    Object document = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml.toString(StandardCharsets.UTF_8));
    return (JsonObject) toJson(document);
  }

  private static Object toJson(Object yaml) {
    if (yaml instanceof Map<?, ?> map) {
      JsonObject object = new JsonObject();
      map.forEach((key, value) -> object.put(String.valueOf(key), toJson(value)));
      return object;
    }
    if (yaml instanceof List<?> list) {
      JsonArray array = new JsonArray();
      list.forEach(item -> array.add(toJson(item)));
      return array;
    }
    return yaml instanceof Date date ? date.toInstant().toString() : yaml;
  }

  /** Set on a request body of the copy whose operation also takes text/csv. */
  static final String CSV_BODY = "x-learngrid-text-csv";

  /**
   * The copy of the contract the validators are built from. Each change works around vertx-openapi
   * 5.0.8 and changes nothing that requests are checked against.
   */
  static JsonObject forValidator(JsonObject contract) {
    JsonObject json = contract.copy();
    // 5.0.8 parses every server url as an absolute URL: `url: /` fails the whole contract with
    // "The specified URL is malformed". Servers play no part in request validation.
    JsonArray servers = json.getJsonArray("servers", new JsonArray());
    for (Object server : servers) {
      if (server instanceof JsonObject s && !s.getString("url", "").contains("://")) {
        s.put("url", "http://localhost" + (s.getString("url", "").startsWith("/") ? "" : "/") + s.getString("url", ""));
      }
    }
    // 5.0.8 refuses to load a response with a media type outside MediaType.SUPPORTED_MEDIA_TYPES
    // (application/problem+json, text/event-stream and application/yaml here). Responses are not
    // validated, so those media types are dropped from the copy.
    JsonObject paths = json.getJsonObject("paths", new JsonObject());
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        if (item.getValue(method) instanceof JsonObject operation) {
          stripResponseMediaTypes(operation.getJsonObject("responses"));
          markCsvBody(operation.getJsonObject("requestBody"));
        }
      }
    }
    stripResponseMediaTypes(json.getJsonObject("components", new JsonObject()).getJsonObject("responses"));
    // 5.0.8's `format: email` check throws StringIndexOutOfBoundsException on "" (it reads the
    // first character), which would abort the whole validation; the copy checks the format of
    // non-empty strings only (an empty email is still refused by its length or by Input).
    emailFormatOnlyWhenNotEmpty(json);
    return json;
  }

  /**
   * 5.0.8 refuses a request body of a type it cannot validate, text/csv among them. The route reads
   * CSV itself (a roster), so the copy drops the type and says it was there: {@link #CSV_BODY}.
   */
  private static void markCsvBody(JsonObject requestBody) {
    if (requestBody != null && requestBody.getValue("content") instanceof JsonObject content
        && content.remove("text/csv") != null) {
      requestBody.put(CSV_BODY, true);
    }
  }

  private static void stripResponseMediaTypes(JsonObject responses) {
    if (responses == null) {
      return;
    }
    for (String status : responses.fieldNames()) {
      if (responses.getValue(status) instanceof JsonObject response && response.getValue("content") instanceof JsonObject content) {
        content.fieldNames().removeIf(type -> !MediaType.isMediaTypeSupported(type));
        if (content.isEmpty()) {
          response.remove("content");
        }
      }
    }
  }

  private static void emailFormatOnlyWhenNotEmpty(Object node) {
    if (node instanceof JsonObject object) {
      object.forEach(entry -> emailFormatOnlyWhenNotEmpty(entry.getValue()));
      if ("email".equals(object.getValue("format")) && !object.containsKey("if")) {
        object.remove("format");
        object.put("if", new JsonObject().put("minLength", 1)).put("then", new JsonObject().put("format", "email"));
      }
    } else if (node instanceof JsonArray array) {
      array.forEach(ContractCopy::emailFormatOnlyWhenNotEmpty);
    }
  }
}
