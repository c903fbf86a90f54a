package io.learngrid.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Grader: the grading rules of the contract, one kind at a time")
class GraderTest {

  @Test
  @DisplayName("choice: the chosen string equals the answer exactly, case and spaces included")
  void choiceIsExact() {
    assertThat(Grader.correct("choice", "Paris", "Paris")).isTrue();
    assertThat(Grader.correct("choice", "Paris", "paris")).isFalse();
    assertThat(Grader.correct("choice", "Paris", " Paris")).isFalse();
    // A stored non-string answer compares as its text; a number given for a choice is wrong.
    assertThat(Grader.correct("choice", 42, "42")).isTrue();
    assertThat(Grader.correct("choice", "42", 42)).isFalse();
  }

  @Test
  @DisplayName("text: equal after stripping surrounding whitespace and lower-casing, inner spaces kept")
  void textIsNormalized() {
    assertThat(Grader.correct("text", "Photosynthesis", "  PHOTOSYNTHESIS\t\n")).isTrue();
    assertThat(Grader.correct("text", " cell ", "Cell")).isTrue();
    assertThat(Grader.correct("text", "photosynthesis", "photo synthesis")).isFalse();
    assertThat(Grader.correct("text", "7", 7)).as("a number is not text").isFalse();
  }

  @Test
  @DisplayName("text: lower-casing does not follow the JVM's locale (Turkish dotless i)")
  void textIgnoresTheDefaultLocale() {
    Locale before = Locale.getDefault();
    try {
      Locale.setDefault(Locale.forLanguageTag("tr-TR"));
      assertThat(Grader.correct("text", "title", "TITLE")).isTrue();
    } finally {
      Locale.setDefault(before);
    }
  }

  @Test
  @DisplayName("number: within 1e-9, as a JSON number or a string holding a plain decimal")
  void numberWithinTolerance() {
    assertThat(Grader.correct("number", 0.3, 0.1 + 0.2)).isTrue();
    assertThat(Grader.correct("number", 0.3, 0.3 + 1e-8)).isFalse();
    assertThat(Grader.correct("number", 42, "42")).isTrue();
    assertThat(Grader.correct("number", -0.5, " -0.5 ")).isTrue();
    assertThat(Grader.correct("number", 1000, "1e3")).isTrue();
    assertThat(Grader.correct("number", 0.5, ".5")).isTrue();
    assertThat(Grader.correct("number", "7", 7)).as("a stored answer may be a numeric string too").isTrue();
  }

  @Test
  @DisplayName("number: what Double.parseDouble would take but is not a plain decimal is a wrong answer")
  void numberRefusesNonDecimals() {
    assertThat(Grader.correct("number", 8, "0x1p3")).isFalse();
    assertThat(Grader.correct("number", 1, "1d")).isFalse();
    assertThat(Grader.correct("number", 1, "1f")).isFalse();
    assertThat(Grader.number("NaN")).isNaN();
    assertThat(Grader.correct("number", Double.POSITIVE_INFINITY, "Infinity")).isFalse();
    assertThat(Grader.correct("number", 1, "one")).isFalse();
    assertThat(Grader.correct("number", 1, true)).isFalse();
    assertThat(Grader.correct("number", 1, null)).isFalse();
  }

  @Test
  @DisplayName("number: an overflow to infinity, or a string over 64 characters, is never right")
  void numberRefusesInfinityAndLongStrings() {
    assertThat(Grader.correct("number", Double.POSITIVE_INFINITY, "1e400")).isFalse();
    assertThat(Grader.correct("number", Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY)).isFalse();
    String longOne = "0".repeat(64) + "1";
    assertThat(Grader.correct("number", 1, longOne)).isFalse();
    assertThat(Grader.correct("number", 1, "0".repeat(63) + "1")).as("64 characters still count").isTrue();
  }

  @Test
  @DisplayName("an unknown kind grades every answer wrong")
  void unknownKind() {
    assertThat(Grader.correct("essay", "anything", "anything")).isFalse();
  }
}
