package io.learngrid.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes deterministic answers: the words depend only on the seed and the conversation, so a test can send the same
 * prompt twice and compare, and a failing run can be replayed.
 */
final class AnswerGenerator {

  static final int DEFAULT_QUESTION_COUNT = 3;
  static final int MAX_QUESTION_COUNT = 20;

  private static final Pattern QUESTIONS_WORD = Pattern.compile("\\bquestions\\b", Pattern.CASE_INSENSITIVE);
  private static final Pattern JSON_WORD = Pattern.compile("\\bjson\\b", Pattern.CASE_INSENSITIVE);
  private static final Pattern INTEGER = Pattern.compile("\\d+");
  private static final Pattern LESSON_PLAN = Pattern.compile("\\bwrite a lesson plan\\b", Pattern.CASE_INSENSITIVE);
  private static final Pattern MINUTES = Pattern.compile("(\\d{1,3}) minutes?", Pattern.CASE_INSENSITIVE);
  static final int DEFAULT_LESSON_MINUTES = 45;

  private static final String[] ADJECTIVES = {
      "clear", "steady", "careful", "active", "simple", "deeper", "useful", "spaced", "focused", "gradual"};
  private static final String[] NOUNS = {
      "learner", "lesson", "concept", "practice", "quiz", "memory", "feedback", "example", "summary", "pattern",
      "review", "skill", "topic", "answer", "step", "principle"};
  private static final String[] VERBS = {
      "builds", "connects", "explains", "reinforces", "clarifies", "extends", "supports", "reveals", "shapes"};
  private static final String[] PREPOSITIONS = {"through", "with", "by", "before", "after"};

  private final long seed;
  private final int maxTokens;

  AnswerGenerator(long seed, int maxTokens) {
    this.seed = seed;
    this.maxTokens = maxTokens;
  }

  Completion answer(ChatRequest request) {
    Random random = new Random(seed ^ request.fingerprint());
    String prompt = request.lastUserContent();
    if (asksForQuestions(prompt)) {
      // A quiz must stay parseable JSON, so max_tokens does not truncate it.
      String json = QuizWriter.write(random, questionCount(prompt)).encode();
      return new Completion(Tokens.split(json), "stop");
    }
    if (LESSON_PLAN.matcher(prompt).find()) {
      // Like a quiz, a plan is a document of its own length: max_tokens does not cut it.
      return new Completion(Tokens.split(LessonPlanWriter.write(random, lessonMinutes(prompt))), "stop");
    }
    int limit = Math.min(maxTokens, request.maxTokens().orElse(maxTokens));
    return new Completion(prose(random, limit, limit == maxTokens), limit < maxTokens ? "length" : "stop");
  }

  static boolean asksForQuestions(String prompt) {
    return QUESTIONS_WORD.matcher(prompt).find() && JSON_WORD.matcher(prompt).find();
  }

  /** The first integer in 1..20 mentioned in the prompt (e.g. "Generate 5 questions"), else 3. */
  static int questionCount(String prompt) {
    Matcher matcher = INTEGER.matcher(prompt);
    while (matcher.find()) {
      String digits = matcher.group();
      // Longer runs cannot be in range and might overflow parseInt.
      if (digits.length() <= 2) {
        int value = Integer.parseInt(digits);
        if (value >= 1 && value <= MAX_QUESTION_COUNT) {
          return value;
        }
      }
    }
    return DEFAULT_QUESTION_COUNT;
  }

  /** The lesson's length from "... of 45 minutes ...", 5..600, else 45. */
  static int lessonMinutes(String prompt) {
    Matcher matcher = MINUTES.matcher(prompt);
    if (matcher.find()) {
      int minutes = Integer.parseInt(matcher.group(1));
      if (minutes >= 5 && minutes <= 600) {
        return minutes;
      }
    }
    return DEFAULT_LESSON_MINUTES;
  }

  /** Readable pseudo-sentences cut to {@code count} words, each word one token. */
  private static List<String> prose(Random random, int count, boolean complete) {
    List<String> words = new ArrayList<>(count + 12);
    while (words.size() < count) {
      sentence(random, words);
    }
    List<String> tokens = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String word = words.get(i);
      boolean last = i == count - 1;
      if (last && complete && !word.endsWith(".")) {
        word += ".";
      }
      tokens.add(last ? word : word + " ");
    }
    return tokens;
  }

  private static void sentence(Random random, List<String> words) {
    words.add("The");
    if (random.nextBoolean()) {
      words.add(pick(random, ADJECTIVES));
    }
    words.add(pick(random, NOUNS));
    words.add(pick(random, VERBS));
    words.add(random.nextBoolean() ? "the" : "a");
    words.add(pick(random, ADJECTIVES));
    words.add(pick(random, NOUNS));
    words.add(pick(random, PREPOSITIONS));
    words.add(pick(random, ADJECTIVES));
    words.add(pick(random, NOUNS) + ".");
  }

  static String pick(Random random, String[] words) {
    return words[random.nextInt(words.length)];
  }

  static String[] nouns() {
    return NOUNS.clone();
  }
}
