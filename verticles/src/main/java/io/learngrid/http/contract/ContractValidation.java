package io.learngrid.http.contract;

import io.learngrid.http.ProblemException.FieldError;
import io.learngrid.http.ProblemException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import io.vertx.openapi.contract.Location;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Checks each request against its operation in the served contract (openapi.yaml): path, query
 * and header parameters and the JSON body. A request that does not fit gets a 400 whose
 * {@code errors[]} names every offending field the way {@link io.learngrid.http.Input} does ({@code title},
 * {@code questions[200]}, {@code questions[0].answer}, {@code limit}, {@code Idempotency-Key}).
 *
 * <p>When the route reads a JSON-object body, the errors are handed to {@link io.learngrid.http.Input} instead of
 * answered at once: Input adds what only code can check (an answer that is not one of the
 * choices) and answers one 400 with all of them. Every operation with a body is served by a route
 * that reads it with {@link io.learngrid.http.Input#of}; an invalid request that still gets a 2xx is logged as SEVERE.
 *
 * <p>What vertx-openapi 5.0.8 cannot do, and how this check works around it, is written in
 * package-info.java of this package.
 */
public final class ContractValidation {

  private static final Logger LOG = LoggerFactory.getLogger(ContractValidation.class);
  private static final String DEFERRED = "learngrid.contract.errors";
  static final int MAX_ERRORS = 100;
  /** Bodies up to this size are checked on the event loop; a chat message or an answer is far smaller. */
  private static final int INLINE_BODY_BYTES = 8 * 1024;

  private final Vertx vertx;
  private final Map<String, Handler<RoutingContext>> operations = new HashMap<>();

  private ContractValidation(Vertx vertx, OpenAPIContract contract, JsonObject json) {
    this.vertx = vertx;
    ContractErrors errors = new ContractErrors(json);
    Map<String, JsonObject> raw = rawOperations(json, errors);
    for (Operation operation : contract.operations()) {
      JsonObject model = raw.get(operation.getOperationId());
      List<ContractParameter> params = new ArrayList<>();
      for (Parameter parameter : operation.getParameters()) {
        params.add(ContractParameter.of(parameter, contract, rawParameter(model, parameter, errors)));
      }
      Body body = operation.getRequestBody() == null ? null : Body.of(operation, contract, model, errors);
      Check check = new Check(operation.getOperationId(), List.copyOf(params), body, errors);
      operations.put(operation.getOperationId(), check::handle);
    }
  }

  /** Parses the served YAML and builds the validators, off the event loop. */
  public static Future<ContractValidation> load(Vertx vertx, Buffer yaml) {
    return vertx.executeBlocking(() -> ContractCopy.forValidator(ContractCopy.parse(yaml)))
        .compose(json -> OpenAPIContract.from(vertx, json.copy())
            .compose(contract -> vertx.executeBlocking(() -> new ContractValidation(vertx, contract, json))));
  }

  /** The handler that checks a request against {@code operationId}; put it after the route's BodyHandler. */
  public Handler<RoutingContext> operation(String operationId) {
    Handler<RoutingContext> handler = operations.get(operationId);
    if (handler == null) {
      throw new IllegalArgumentException("openapi.yaml has no operation " + operationId);
    }
    return handler;
  }

  /**
   * {@code application/json}, with at most a UTF-8 charset (RFC 8259 JSON is UTF-8): anything else,
   * or none, is a 415 before the body is parsed, so a form post or text/plain never reaches a route.
   */
  static boolean isJson(String contentType) {
    return isUtf8(contentType, "application/json");
  }

  /** {@code text/csv}, with at most a UTF-8 charset: the one other body an operation may take (a roster). */
  public static boolean isCsv(String contentType) {
    return isUtf8(contentType, "text/csv");
  }

  private static boolean isUtf8(String contentType, String mediaType) {
    if (contentType == null) {
      return false;
    }
    String[] parts = contentType.split(";");
    if (!parts[0].trim().equalsIgnoreCase(mediaType)) {
      return false;
    }
    for (int i = 1; i < parts.length; i++) {
      String[] parameter = parts[i].split("=", 2);
      String value = parameter.length == 2 ? parameter[1].trim().replace("\"", "") : "";
      if (!parameter[0].trim().equalsIgnoreCase("charset")
          || !(value.equalsIgnoreCase("utf-8") || value.equalsIgnoreCase("utf8"))) {
        return false;
      }
    }
    return true;
  }

  /** The errors the contract found in a request whose route reads its body with {@link io.learngrid.http.Input}. */
  public static List<FieldError> takeDeferred(RoutingContext ctx) {
    List<FieldError> errors = ctx.remove(DEFERRED);
    return errors == null ? List.of() : errors;
  }

  /** Each operation of the copy by its id, with the path item's parameters merged in under {@code parameters}. */
  private static Map<String, JsonObject> rawOperations(JsonObject json, ContractErrors errors) {
    Map<String, JsonObject> operations = new HashMap<>();
    JsonObject paths = json.getJsonObject("paths", new JsonObject());
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        if (item.getValue(method) instanceof JsonObject op && op.getValue("operationId") instanceof String id) {
          JsonArray parameters = new JsonArray();
          item.getJsonArray("parameters", new JsonArray()).forEach(p -> parameters.add(errors.deref((JsonObject) p)));
          op.getJsonArray("parameters", new JsonArray()).forEach(p -> parameters.add(errors.deref((JsonObject) p)));
          operations.put(id, op.copy().put("parameters", parameters));
        }
      }
    }
    return operations;
  }

  private static JsonObject rawParameter(JsonObject operation, Parameter parameter, ContractErrors errors) {
    JsonObject schema = null;
    for (Object p : operation == null ? new JsonArray() : operation.getJsonArray("parameters")) {
      JsonObject candidate = (JsonObject) p;
      if (parameter.getName().equals(candidate.getString("name"))
          && parameter.getIn().name().equalsIgnoreCase(candidate.getString("in"))) {
        schema = candidate.getJsonObject("schema");
      }
    }
    return schema == null ? new JsonObject() : errors.deref(schema);
  }

  /** The JSON body of an operation: whether it is required, its validator, and how far arrays are checked. */
  private record Body(boolean required, Validator validator, JsonObject schema, int arrayCap, boolean csv) {

    static Body of(Operation operation, OpenAPIContract contract, JsonObject model, ContractErrors errors) {
      MediaType json = operation.getRequestBody().getContent().get("application/json");
      if (json == null || json.getSchema() == null) {
        throw new IllegalStateException("ContractValidation reads only application/json bodies: "
            + operation.getOperationId());
      }
      JsonObject requestBody = errors.deref(model.getJsonObject("requestBody"));
      JsonObject schema = errors.deref(requestBody.getJsonObject("content").getJsonObject("application/json")
          .getJsonObject("schema"));
      return new Body(operation.getRequestBody().isRequired(), contract.getSchemaRepository().validator(json.getSchema()),
          schema, ArrayCap.of(schema, errors), requestBody.getBoolean(ContractCopy.CSV_BODY, false));
    }
  }

  /** The checks of one operation, in the order a request meets them. */
  private final class Check {
    private final String operationId;
    private final List<ContractParameter> params;
    private final Body body;
    private final ContractErrors errors;

    Check(String operationId, List<ContractParameter> params, Body body, ContractErrors errors) {
      this.operationId = operationId;
      this.params = params;
      this.body = body;
      this.errors = errors;
    }

    void handle(RoutingContext ctx) {
      List<FieldError> found = new ArrayList<>(0);
      boolean pathWrong = false;
      for (ContractParameter param : params) {
        String text = param.read(ctx);
        if (text == null) {
          if (param.required()) {
            found.add(new FieldError(param.name(), "is required"));
            pathWrong |= param.in() == Location.PATH;
          }
          continue;
        }
        String unstorable = StorableText.problem(text);
        if (unstorable != null) {
          found.add(new FieldError(param.name(), unstorable));
          pathWrong |= param.in() == Location.PATH;
          continue;
        }
        Object value = param.typed(text);
        if (!param.surelyValid(value)) {
          List<FieldError> wrong = validate(param.validator(), value, param.schema(), param.name());
          found.addAll(wrong);
          pathWrong |= !wrong.isEmpty() && param.in() == Location.PATH;
        }
      }
      if (body == null || pathWrong) {
        // A request whose path does not fit names no resource: it is refused before its body is read.
        finish(ctx, found, false);
        return;
      }
      Buffer buffer = ctx.body().buffer();
      if (buffer == null || buffer.length() == 0) {
        if (body.required()) {
          found.add(new FieldError("body", "is required"));
        }
        finish(ctx, found, false);
        return;
      }
      String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
      if (body.csv() && isCsv(contentType)) {
        // The route reads CSV itself (a parser, row by row); the parameters are checked above.
        finish(ctx, found, false);
        return;
      }
      if (!isJson(contentType)) {
        ctx.fail(new ProblemException(415, body.csv()
            ? "the body must be sent as Content-Type: application/json or text/csv"
            : "the body must be sent as Content-Type: application/json"));
        return;
      }
      JsonObject json;
      try {
        json = ctx.body().asJsonObject();
      } catch (DecodeException e) {
        ctx.fail(new ProblemException(400, "the body is not valid JSON"));
        return;
      } catch (ClassCastException e) {
        json = null;
      }
      if (json == null) {
        found.add(new FieldError("body", "must be a JSON object"));
        finish(ctx, found, false);
        return;
      }
      JsonObject value = json;
      if (buffer.length() <= INLINE_BODY_BYTES) {
        // A small body checks in microseconds: a trip to a worker thread would cost more than the check.
        found.addAll(validateBody(value));
        finish(ctx, found, true);
        return;
      }
      // Large bodies take milliseconds to check (200 questions: ~10 ms): never on the event loop.
      // Unordered: one request's check does not wait for another's.
      vertx.executeBlocking(() -> validateBody(value), false).onComplete(wrong -> {
        if (wrong.succeeded()) {
          found.addAll(wrong.result());
        } else {
          // A library failure must not turn a request into a 500; Input still checks every field.
          LOG.warn("contract check of the " + operationId + " body failed: " + wrong.cause(), wrong.cause());
        }
        finish(ctx, found, true);
      });
    }

    private List<FieldError> validateBody(JsonObject value) {
      List<FieldError> unstorable = new ArrayList<>(0);
      StorableText.check(value, "", unstorable, MAX_ERRORS);
      if (!unstorable.isEmpty()) {
        // Named once: the schema's findings on such a string would only repeat the field.
        return unstorable;
      }
      Object bounded = body.arrayCap() > 0 ? ArrayCap.cut(value, body.arrayCap()) : value;
      return validate(body.validator(), bounded, body.schema(), null);
    }

    private List<FieldError> validate(Validator validator, Object value, JsonObject schema, String name) {
      OutputUnit result;
      try {
        result = validator.validate(value);
      } catch (RuntimeException e) {
        LOG.warn("contract check of " + operationId + (name == null ? " body" : " " + name) + " failed: " + e, e);
        return List.of();
      }
      return Boolean.TRUE.equals(result.getValid()) ? List.of() : errors.of(result, schema, value, name);
    }

    private void finish(RoutingContext ctx, List<FieldError> found, boolean inputReadsBody) {
      if (found.isEmpty()) {
        ctx.next();
        return;
      }
      List<FieldError> reported = found.size() > MAX_ERRORS ? found.subList(0, MAX_ERRORS) : found;
      if (!inputReadsBody) {
        ctx.fail(ProblemException.validation(reported));
        return;
      }
      ctx.put(DEFERRED, List.copyOf(reported));
      ctx.addHeadersEndHandler(v -> {
        if (ctx.get(DEFERRED) != null && ctx.response().getStatusCode() < 400) {
          LOG.error(operationId + " answered " + ctx.response().getStatusCode()
              + " to a request the contract refuses: its route does not read the body with Input");
        }
      });
      ctx.next();
    }
  }
}
