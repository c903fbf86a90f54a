package io.learngrid.simulator;

import java.util.Random;

/**
 * Writes the lesson plan learngrid asks for ("Write a lesson plan of 45 minutes for grade level 7
 * on: ..."): objectives, materials, timed activities that add up to the lesson's length, and an
 * assessment, in plain text. Deterministic from the seed and the prompt like every answer.
 */
final class LessonPlanWriter {

  private static final String[] ACTIVITIES = {"Warm-up", "Explanation", "Guided practice", "Group work",
      "Independent practice", "Discussion"};

  private LessonPlanWriter() {
  }

  static String write(Random random, int minutes) {
    StringBuilder plan = new StringBuilder("Lesson plan (").append(minutes).append(" minutes)\n\nObjectives:\n");
    for (int i = 0; i < 2; i++) {
      plan.append("- Learners can explain the ").append(AnswerGenerator.pick(random, AnswerGenerator.nouns()))
          .append(" and apply it to a new ").append(AnswerGenerator.pick(random, AnswerGenerator.nouns())).append(".\n");
    }
    plan.append("\nMaterials: worksheet, board, a short ").append(AnswerGenerator.pick(random, AnswerGenerator.nouns()))
        .append(" handout.\n\nActivities:\n");
    int steps = Math.min(4, Math.max(1, minutes / 5));
    int left = minutes;
    for (int i = 0; i < steps; i++) {
      // Every step but the last takes an even share; the last takes what is left, so they add up.
      int length = i == steps - 1 ? left : minutes / steps;
      left -= length;
      plan.append(i + 1).append(". ").append(ACTIVITIES[(i + random.nextInt(2)) % ACTIVITIES.length]).append(" (")
          .append(length).append(" min): learners ").append(AnswerGenerator.pick(random, new String[] {
              "discuss", "practise", "compare", "summarise", "present"}))
          .append(" the ").append(AnswerGenerator.pick(random, AnswerGenerator.nouns())).append(".\n");
    }
    plan.append("\nAssessment: a three-question exit quiz on the ")
        .append(AnswerGenerator.pick(random, AnswerGenerator.nouns())).append(".");
    return plan.toString();
  }
}
