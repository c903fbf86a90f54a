package io.learngrid.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Writes the quiz JSON learngrid asks the model for:
 * {@code {"questions":[{"prompt","kind":"choice"|"text"|"number","choices"?,"answer","points"}]}}.
 * Every question is valid by construction so the product's quiz import can be tested end to end.
 */
final class QuizWriter {

  private static final String[] KINDS = {"choice", "text", "number"};
  private static final int CHOICE_COUNT = 4;

  private QuizWriter() {
  }

  static JsonObject write(Random random, int count) {
    JsonArray questions = new JsonArray();
    for (int i = 1; i <= count; i++) {
      JsonObject question = switch (AnswerGenerator.pick(random, KINDS)) {
        case "choice" -> choice(random, i);
        case "text" -> text(random, i);
        default -> number(random, i);
      };
      questions.add(question.put("points", 1 + random.nextInt(5)));
    }
    return new JsonObject().put("questions", questions);
  }

  private static JsonObject choice(Random random, int index) {
    List<String> pool = new ArrayList<>(List.of(AnswerGenerator.nouns()));
    Collections.shuffle(pool, random);
    List<String> choices = pool.subList(0, CHOICE_COUNT);
    String answer = choices.get(random.nextInt(CHOICE_COUNT));
    return new JsonObject()
        .put("prompt", "Question " + index + ": which term names the " + answer + " in a study plan?")
        .put("kind", "choice")
        .put("choices", new JsonArray(new ArrayList<>(choices)))
        .put("answer", answer);
  }

  private static JsonObject text(Random random, int index) {
    String answer = AnswerGenerator.pick(random, AnswerGenerator.nouns());
    return new JsonObject()
        .put("prompt", "Question " + index + ": in one word, what does a learner review to recall a " + answer + "?")
        .put("kind", "text")
        .put("answer", answer);
  }

  private static JsonObject number(Random random, int index) {
    int a = 1 + random.nextInt(50);
    int b = 1 + random.nextInt(50);
    return new JsonObject()
        .put("prompt", "Question " + index + ": what is " + a + " + " + b + "?")
        .put("kind", "number")
        .put("answer", a + b);
  }
}
