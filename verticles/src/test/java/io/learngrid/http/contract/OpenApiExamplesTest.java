package io.learngrid.http.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Response;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Every operation of openapi.yaml shows what to send and what comes back: each request body and
 * each response with a body (its own or a shared one of components/responses) has an example for
 * each of its media types, and each JSON example is valid against its schema (requests as this
 * node's own contract check sees them), so /docs never shows an example the API would refuse.
 */
@DisplayName("openapi.yaml: request and response examples for every operation, each valid against its schema")
class OpenApiExamplesTest {

  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");
  private static Vertx vertx;
  private static JsonObject document;
  private static OpenAPIContract contract;

  @BeforeAll
  static void load() throws Exception {
    Buffer yaml;
    try (InputStream in = OpenApiExamplesTest.class.getResourceAsStream("/openapi.yaml")) {
      assertThat(in).isNotNull();
      yaml = Buffer.buffer(in.readAllBytes());
    }
    document = ContractCopy.parse(yaml);
    vertx = Vertx.vertx();
    contract = OpenAPIContract.from(vertx, ContractCopy.forValidator(document).copy()).await(1, TimeUnit.MINUTES);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(1, TimeUnit.MINUTES);
  }

  private static boolean hasExample(JsonObject media) {
    return media.containsKey("example") || media.containsKey("examples");
  }

  private static JsonObject resolve(JsonObject maybeRef) {
    String ref = maybeRef.getString("$ref");
    if (ref == null) {
      return maybeRef;
    }
    JsonObject target = document;
    for (String part : ref.substring(2).split("/")) {
      target = target.getJsonObject(part);
    }
    return target;
  }

  @Test
  @DisplayName("every request body and every response body of every operation has an example per media type")
  void everyOperationHasExamples() throws IOException {
    List<String> missing = new ArrayList<>();
    int operations = 0;
    JsonObject paths = document.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        if (!METHODS.contains(method)) {
          continue;
        }
        operations++;
        JsonObject operation = item.getJsonObject(method);
        String name = operation.getString("operationId");
        JsonObject body = operation.getJsonObject("requestBody");
        if (body != null) {
          JsonObject content = resolve(body).getJsonObject("content");
          content.fieldNames().stream().filter(type -> !hasExample(content.getJsonObject(type)))
              .forEach(type -> missing.add(name + " request " + type));
        }
        int examples = 0;
        JsonObject responses = operation.getJsonObject("responses");
        for (String status : responses.fieldNames()) {
          JsonObject content = resolve(responses.getJsonObject(status)).getJsonObject("content");
          if (content == null) {
            continue;
          }
          for (String type : content.fieldNames()) {
            if (hasExample(content.getJsonObject(type))) {
              examples++;
            } else {
              missing.add(name + " " + status + " " + type);
            }
          }
        }
        if (examples == 0) {
          missing.add(name + ": no response example at all");
        }
      }
    }
    assertThat(operations).isGreaterThan(50);
    assertThat(missing).as("media types without an example").isEmpty();
  }

  @Test
  @DisplayName("each JSON request example passes the contract check, and each JSON response example its schema")
  void examplesMatchTheirSchemas() {
    List<String> invalid = new ArrayList<>();
    int checked = 0;
    for (Operation operation : contract.operations()) {
      JsonObject raw = document.getJsonObject("paths").getJsonObject(operation.getOpenAPIPath())
          .getJsonObject(operation.getHttpMethod().name().toLowerCase(java.util.Locale.ROOT));
      if (operation.getRequestBody() != null) {
        JsonObject content = resolve(raw.getJsonObject("requestBody")).getJsonObject("content");
        for (var entry : operation.getRequestBody().getContent().entrySet()) {
          checked += check(operation.getOperationId() + " request", entry.getValue(),
              content.getJsonObject(entry.getKey()).getValue("example"), invalid);
        }
      }
      JsonObject responses = raw.getJsonObject("responses");
      for (String status : responses.fieldNames()) {
        Response response = status.equals("default") ? operation.getDefaultResponse()
            : operation.getResponse(Integer.parseInt(status));
        JsonObject content = resolve(responses.getJsonObject(status)).getJsonObject("content");
        if (response == null || content == null) {
          continue;
        }
        for (var entry : response.getContent().entrySet()) {
          if (entry.getKey().contains("json") && content.getJsonObject(entry.getKey()) != null) {
            checked += check(operation.getOperationId() + " " + status, entry.getValue(),
                content.getJsonObject(entry.getKey()).getValue("example"), invalid);
          }
        }
      }
    }
    assertThat(checked).as("examples checked").isGreaterThan(60);
    assertThat(invalid).as("examples their own schema refuses").isEmpty();
  }

  private static int check(String where, MediaType media, Object example, List<String> invalid) {
    if (example == null || media.getSchema() == null) {
      return 0;
    }
    OutputUnit result = contract.getSchemaRepository().validator(media.getSchema()).validate(example);
    if (!result.getValid()) {
      invalid.add(where + ": " + result.getErrors());
    }
    return 1;
  }
}
