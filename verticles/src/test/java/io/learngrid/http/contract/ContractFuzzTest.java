package io.learngrid.http.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.Api;
import io.learngrid.support.Api.Account;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.CapturedLogs;
import io.learngrid.support.LearngridNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requests generated from openapi.yaml for every operation, valid and not (wrong types, missing and
 * unknown fields, NUL characters, lone surrogates, huge numbers and strings, garbage bodies, odd
 * path parameters), with a fixed seed and a bounded count, over real HTTP: no reply may be a
 * server error, every status must be one the operation declares, every error problem+json, and no
 * route may accept a body the contract refuses (ContractValidation logs that as an error).
 * The shape of schemathesis' checks, in-house (PyPI is not reachable here).
 */
@DisplayName("Contract fuzzing: generated requests for every operation of openapi.yaml")
@LearngridNode
class ContractFuzzTest {

  private static final long SEED = 20261204L;
  private static final int CASES_PER_OPERATION = 24;
  /** Statuses the contract declares once for every operation (its info section). */
  private static final Set<Integer> EVERYWHERE = Set.of(413, 414, 431);
  /** Routes a random body could spoil for the rest of the run: the account's own session. */
  private static final Set<String> SKIPPED = Set.of("logout");

  private final Api api;
  private final Random random = new Random(SEED);
  private JsonObject contract;

  ContractFuzzTest(Api api) {
    this.api = api;
  }

  @Test
  @DisplayName("no server error, no undeclared status, every error problem+json")
  void everyOperation() throws Exception {
    try (InputStream in = ContractFuzzTest.class.getResourceAsStream("/openapi.yaml")) {
      contract = ContractCopy.parse(Buffer.buffer(in.readAllBytes()));
    }
    Map<String, String> tokens = new HashMap<>();
    tokens.put("teacher", api.account("teacher").token());
    tokens.put("student", api.account("student").token());
    tokens.put("admin", api.adminToken());
    List<String> findings = new ArrayList<>();
    CapturedLogs logs = CapturedLogs.of(ContractValidation.class);
    int sent = 0;
    JsonObject paths = contract.getJsonObject("paths");
    for (String path : new java.util.TreeSet<>(paths.fieldNames())) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : List.of("get", "post", "put", "patch", "delete")) {
        JsonObject operation = item.getJsonObject(method);
        if (operation == null || SKIPPED.contains(operation.getString("operationId"))) {
          continue;
        }
        for (int i = 0; i < CASES_PER_OPERATION; i++) {
          String token = List.of("teacher", "student", "admin", "none").get(random.nextInt(4));
          Exchange exchange = request(method, path, item, operation, "none".equals(token) ? null : tokens.get(token));
          Reply reply = api.exchange(exchange.method(), exchange.target(), exchange.headers(), exchange.body());
          sent++;
          String problem = nonConformance(operation, reply);
          if (problem != null && findings.size() < 40) {
            findings.add(method.toUpperCase() + " " + exchange.target().substring(0, Math.min(160, exchange.target().length()))
                + " (" + token + ", body " + abbreviated(exchange.body()) + "): " + problem);
          }
        }
      }
    }
    try (var accepted = logs) {
      accepted.events().stream().filter(event -> event.getLevel().toString().equals("ERROR"))
          .forEach(event -> findings.add("accepted what the contract refuses: " + event.getFormattedMessage()));
    }
    System.out.println("contract fuzzing: " + sent + " requests, seed " + SEED + ", " + findings.size() + " findings");
    assertThat(findings).as("%d requests, seed %d", sent, SEED).isEmpty();
  }

  private record Exchange(String method, String target, Map<String, String> headers, String body) {}

  private Exchange request(String method, String path, JsonObject item, JsonObject operation, String token) {
    List<Object> parameters = new ArrayList<>();
    if (item.getJsonArray("parameters") != null) {
      parameters.addAll(item.getJsonArray("parameters").getList());
    }
    if (operation.getJsonArray("parameters") != null) {
      parameters.addAll(operation.getJsonArray("parameters").getList());
    }
    String target = path;
    StringBuilder query = new StringBuilder();
    Map<String, String> headers = new HashMap<>();
    for (Object raw : parameters) {
      JsonObject parameter = resolve(raw instanceof Map<?, ?> map ? new JsonObject(castMap(map)) : (JsonObject) raw);
      String name = parameter.getString("name");
      JsonObject schema = resolve(parameter.getJsonObject("schema", new JsonObject()));
      switch (parameter.getString("in")) {
        case "path" -> target = target.replace("{" + name + "}", encode(pathValue(schema)));
        case "query" -> {
          if (random.nextInt(3) > 0) {
            query.append(query.isEmpty() ? "?" : "&").append(encode(name)).append('=').append(encode(text(schema)));
          }
        }
        case "header" -> {
          if (random.nextBoolean()) {
            headers.put(name, headerValue());
          }
        }
        default -> { }
      }
    }
    if (token != null) {
      headers.put("Authorization", "Bearer " + token);
    }
    String body = null;
    JsonObject content = operation.getJsonObject("requestBody") == null ? null
        : resolve(operation.getJsonObject("requestBody")).getJsonObject("content");
    if (content != null && content.containsKey("application/json")) {
      JsonObject schema = resolve(content.getJsonObject("application/json").getJsonObject("schema", new JsonObject()));
      body = body(schema);
      headers.put("Content-Type", switch (random.nextInt(10)) {
        case 0 -> "text/plain";
        case 1 -> "application/json; charset=utf-8";
        default -> "application/json";
      });
    }
    return new Exchange(method.toUpperCase(), target + query, headers, body);
  }

  /** Why the reply breaks the contract, or null. */
  private String nonConformance(JsonObject operation, Reply reply) {
    int status = reply.status();
    if (status >= 500 && !(status == 503 && reply.header("Retry-After") != null)) {
      return "server error " + status + " " + abbreviated(reply.body());
    }
    JsonObject responses = resolve(operation.getJsonObject("responses"));
    if (!responses.containsKey(Integer.toString(status)) && !responses.containsKey("default")
        && !EVERYWHERE.contains(status)) {
      return "status " + status + " is not declared (" + responses.fieldNames() + "): " + abbreviated(reply.body());
    }
    String type = reply.header("Content-Type");
    JsonObject declared = responses.getJsonObject(Integer.toString(status));
    // The OpenAI-compatible operations declare OpenAI's error shape (application/json) instead.
    boolean openAi = declared != null && resolve(declared).getJsonObject("content", new JsonObject())
        .containsKey("application/json");
    if (status >= 400 && openAi) {
      return type != null && type.startsWith("application/json") && reply.body().contains("\"error\"") ? null
          : "error " + status + " is " + type + ", not OpenAI's error shape";
    }
    if (status >= 400 && (type == null || !type.startsWith("application/problem+json"))) {
      return "error " + status + " is " + type + ", not problem+json";
    }
    return null;
  }

  // --- values ---------------------------------------------------------------------------------------

  private String pathValue(JsonObject schema) {
    return switch (random.nextInt(8)) {
      case 0 -> "not-an-id";
      case 1 -> "a\u0000b";
      case 2 -> "x".repeat(300);
      case 3 -> "\ud83d\ude00";
      case 4 -> "00000000-0000-0000-0000-000000000000";
      default -> UUID.randomUUID().toString();
    };
  }

  private String headerValue() {
    return switch (random.nextInt(4)) {
      case 0 -> "";
      case 1 -> "k".repeat(300);
      default -> "key-" + random.nextInt(1_000_000);
    };
  }

  private String text(JsonObject schema) {
    Object value = random.nextInt(4) == 0 ? nasty() : valid(schema, 0);
    return value instanceof String s ? s : String.valueOf(value);
  }

  private Object nasty() {
    return switch (random.nextInt(9)) {
      case 0 -> "a\u0000b";
      case 1 -> "lone \ud800 surrogate";
      case 2 -> "x".repeat(5_000);
      case 3 -> -1;
      case 4 -> Long.MAX_VALUE;
      case 5 -> 1e308;
      case 6 -> "";
      case 7 -> true;
      default -> "'; DROP TABLE users; --";
    };
  }

  private String body(JsonObject schema) {
    switch (random.nextInt(12)) {
      case 0:
        return "";
      case 1:
        return "{not json";
      case 2:
        return "[1,2,3]";
      case 3:
        return "\"a string\"";
      default:
        break;
    }
    Object value = valid(schema, 0);
    if (value instanceof JsonObject object && random.nextInt(3) > 0) {
      mutate(object, schema);
    }
    return value instanceof JsonObject object ? object.encode() : String.valueOf(value);
  }

  private void mutate(JsonObject object, JsonObject schema) {
    JsonObject properties = schema.getJsonObject("properties", new JsonObject());
    List<String> names = new ArrayList<>(properties.fieldNames());
    switch (random.nextInt(5)) {
      case 0 -> object.put("unknownField" + random.nextInt(100), "x");
      case 1 -> {
        if (!object.isEmpty()) {
          object.remove(new ArrayList<>(object.fieldNames()).get(random.nextInt(object.size())));
        }
      }
      default -> {
        if (!names.isEmpty()) {
          object.put(names.get(random.nextInt(names.size())), nasty());
        }
      }
    }
  }

  /** A value the schema describes, give or take (formats and patterns are approximated). */
  private Object valid(JsonObject raw, int depth) {
    JsonObject schema = resolve(raw);
    for (String choice : List.of("oneOf", "anyOf")) {
      JsonArray options = schema.getJsonArray(choice);
      if (options != null && !options.isEmpty()) {
        return valid(options.getJsonObject(random.nextInt(options.size())), depth + 1);
      }
    }
    if (schema.getJsonArray("enum") != null && !schema.getJsonArray("enum").isEmpty()) {
      JsonArray values = schema.getJsonArray("enum");
      return values.getValue(random.nextInt(values.size()));
    }
    Object type = schema.getValue("type");
    if (type instanceof JsonArray types) {
      type = types.getValue(random.nextInt(types.size()));
    }
    if (type == null) {
      type = schema.containsKey("properties") ? "object" : "string";
    }
    return switch (String.valueOf(type)) {
      case "object" -> {
        JsonObject object = new JsonObject();
        if (depth < 4) {
          JsonObject properties = schema.getJsonObject("properties", new JsonObject());
          List<Object> required = schema.getJsonArray("required", new JsonArray()).getList();
          for (String name : properties.fieldNames()) {
            if (required.contains(name) || random.nextBoolean()) {
              object.put(name, valid(properties.getJsonObject(name), depth + 1));
            }
          }
        }
        yield object;
      }
      case "array" -> {
        JsonArray array = new JsonArray();
        int min = schema.getInteger("minItems", 0);
        int count = min + random.nextInt(3);
        for (int i = 0; i < count && depth < 4; i++) {
          array.add(valid(schema.getJsonObject("items", new JsonObject()), depth + 1));
        }
        yield array;
      }
      case "integer" -> {
        long min = schema.getLong("minimum", 0L);
        long max = schema.getLong("maximum", min + 100);
        yield min + (long) (random.nextDouble() * Math.max(0, max - min));
      }
      case "number" -> random.nextDouble() * 100;
      case "boolean" -> random.nextBoolean();
      case "null" -> null;
      default -> {
        String format = schema.getString("format", "");
        yield switch (format) {
          case "uuid" -> UUID.randomUUID().toString();
          case "email" -> "fuzz-" + random.nextInt(1_000_000) + "@example.com";
          case "date-time" -> "2027-0" + (1 + random.nextInt(9)) + "-01T00:00:00Z";
          default -> "fuzz " + random.nextInt(1_000);
        };
      }
    };
  }

  private JsonObject resolve(JsonObject schema) {
    JsonObject current = schema;
    for (int hops = 0; current != null && current.containsKey("$ref") && hops < 10; hops++) {
      String ref = current.getString("$ref");
      JsonObject target = contract;
      for (String part : ref.substring(2).split("/")) {
        target = target.getJsonObject(part);
      }
      current = target;
    }
    return current == null ? new JsonObject() : current;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Map<?, ?> map) {
    return (Map<String, Object>) map;
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String abbreviated(String text) {
    if (text == null) {
      return "none";
    }
    return text.length() > 120 ? text.substring(0, 120) + "…" : text;
  }
}
