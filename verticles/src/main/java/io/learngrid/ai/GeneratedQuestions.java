package io.learngrid.ai;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads the questions a model wrote and checks each against what assignment creation accepts
 * (openapi.yaml's QuestionInput and the route's cross-field rules), so that a teacher can post a
 * job's {@code result.questions} on unchanged. Anything else is an {@link InvalidGeneration}.
 */
final class GeneratedQuestions {

  private static final Set<String> FIELDS = Set.of("prompt", "kind", "choices", "answer", "points");
  private static final Set<String> KINDS = Set.of("choice", "text", "number");

  private GeneratedQuestions() {}

  /** Models wrap JSON in prose or code fences now and then: the outermost object is what counts. */
  static JsonArray parse(String content, int count) {
    int start = content.indexOf('{');
    int end = content.lastIndexOf('}');
    if (start < 0 || end < start) {
      throw new InvalidGeneration("the reply holds no JSON object");
    }
    JsonObject json;
    try {
      json = new JsonObject(content.substring(start, end + 1));
    } catch (DecodeException e) {
      throw new InvalidGeneration("the reply is not valid JSON");
    }
    if (!(json.getValue("questions") instanceof JsonArray questions)) {
      throw new InvalidGeneration("the reply has no \"questions\" array");
    }
    if (questions.size() < count) {
      throw new InvalidGeneration("the reply has " + questions.size() + " questions, " + count + " were asked for");
    }
    List<String> problems = new ArrayList<>();
    JsonArray valid = new JsonArray();
    for (int i = 0; i < count; i++) {
      valid.add(question(questions.getValue(i), "questions[" + i + "]", problems));
    }
    if (!problems.isEmpty()) {
      throw new InvalidGeneration(String.join("; ", problems.subList(0, Math.min(5, problems.size()))));
    }
    return valid;
  }

  private static JsonObject question(Object value, String at, List<String> problems) {
    if (!(value instanceof JsonObject q)) {
      problems.add(at + " is not an object");
      return null;
    }
    for (String field : q.fieldNames()) {
      if (!FIELDS.contains(field)) {
        problems.add(at + "." + field + " is not a known field");
      }
    }
    String prompt = text(q.getValue("prompt"), 2000);
    if (prompt == null) {
      problems.add(at + ".prompt must be a text of 1 to 2000 characters");
    }
    Object kind = q.getValue("kind");
    if (!(kind instanceof String k && KINDS.contains(k))) {
      problems.add(at + ".kind must be one of choice, text, number");
      kind = null;
    }
    Integer points = points(q.getValue("points"));
    if (points == null) {
      problems.add(at + ".points must be an integer from 0 to 1000");
    }
    JsonObject checked = new JsonObject().put("prompt", prompt).put("kind", kind);
    Object answer = q.getValue("answer");
    if ("choice".equals(kind)) {
      JsonArray choices = choices(q.getValue("choices"));
      if (choices == null) {
        problems.add(at + ".choices must be 1 to 20 texts of 1 to 500 characters");
      } else if (!(answer instanceof String && choices.contains(answer))) {
        problems.add(at + ".answer must be one of the choices");
      }
      checked.put("choices", choices);
    } else if (kind != null && q.containsKey("choices")) {
      problems.add(at + ".choices is only for choice questions");
    }
    if ("text".equals(kind) && text(answer, 2000) == null) {
      problems.add(at + ".answer must be a text of 1 to 2000 characters");
    } else if ("number".equals(kind) && !(answer instanceof Number n && Double.isFinite(n.doubleValue()))) {
      problems.add(at + ".answer must be a number");
    }
    return checked.put("answer", answer).put("points", points);
  }

  private static String text(Object value, int max) {
    return value instanceof String s && !s.isEmpty() && s.length() <= max ? s : null;
  }

  private static Integer points(Object value) {
    if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
        && n.doubleValue() >= 0 && n.doubleValue() <= 1000) {
      return n.intValue();
    }
    return null;
  }

  private static JsonArray choices(Object value) {
    if (!(value instanceof JsonArray array) || array.isEmpty() || array.size() > 20) {
      return null;
    }
    for (Object choice : array) {
      if (text(choice, 500) == null) {
        return null;
      }
    }
    return array;
  }

  /** The model's reply cannot be used; another attempt may do better. */
  static final class InvalidGeneration extends RuntimeException {
    InvalidGeneration(String message) {
      super(message, null, false, false);
    }
  }
}
