package io.learngrid.ai;

import io.learngrid.bus.ai.ChatMessage;
import io.learngrid.bus.jobs.JobKinds;
import io.learngrid.jobs.RunningJob;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** What the AI is asked for each kind of job, and what a job keeps of its reply. */
final class Generations {

  private static final String QUESTIONS_SYSTEM = """
      You write quiz questions for teachers. Reply with JSON only, no prose and no code fences, shaped as \
      {"questions": [{"prompt": "...", "kind": "choice" | "text" | "number", "choices": ["..."], "answer": ..., \
      "points": 1}]}. Only choice questions have "choices", and their "answer" is one of them word for word; \
      a text answer is a short string, a number answer is a JSON number; points are integers from 1 to 10.""";
  private static final String LESSON_PLAN_SYSTEM = """
      You are an experienced teacher. Write clear, practical lesson plans: objectives, materials, a timed \
      sequence of activities that fills the lesson, and how learning is checked at the end.""";

  private Generations() {}

  /**
   * A retry says why the previous reply failed: a model does better with the feedback, and the
   * prompt differs from the first, so an exact-match response cache cannot hand back the same
   * unusable reply again.
   */
  static List<ChatMessage> prompt(RunningJob job) {
    List<ChatMessage> messages = prompt(job.kind(), job.input());
    if (job.attempt() == 1 || job.lastError() == null) {
      return messages;
    }
    ChatMessage ask = messages.getLast();
    return List.of(messages.getFirst(), new ChatMessage("user", ask.content() + "\n\nThis is attempt " + job.attempt()
        + "; the previous one failed: " + job.lastError()));
  }

  private static List<ChatMessage> prompt(String kind, JsonObject input) {
    return switch (kind) {
      case JobKinds.QUESTIONS -> List.of(new ChatMessage("system", QUESTIONS_SYSTEM), new ChatMessage("user",
          "Write " + input.getInteger("count") + " " + input.getString("difficulty") + " questions about: "
              + input.getString("topic") + ". Answer with the JSON object only."));
      case JobKinds.LESSON_PLAN -> List.of(new ChatMessage("system", LESSON_PLAN_SYSTEM), new ChatMessage("user",
          "Write a lesson plan of " + input.getInteger("durationMinutes") + " minutes for grade level "
              + input.getString("gradeLevel") + " on: " + input.getString("topic")));
      default -> throw new IllegalArgumentException("unknown AI job kind " + kind);
    };
  }

  /** The job's result: {@code questions} ready for assignment creation, or the lesson plan's text. */
  static JsonObject result(String kind, JsonObject input, String content) {
    if (kind.equals(JobKinds.QUESTIONS)) {
      return new JsonObject().put("questions", GeneratedQuestions.parse(content, input.getInteger("count")));
    }
    if (content.isBlank()) {
      throw new GeneratedQuestions.InvalidGeneration("the reply is empty");
    }
    return new JsonObject().put("lessonPlan", content.strip());
  }
}
