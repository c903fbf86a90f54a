package io.learngrid.simulator;

import java.util.ArrayList;
import java.util.List;

/** The simulator's notion of a token: one word together with the whitespace that follows it. */
final class Tokens {

  private Tokens() {
  }

  static int countWords(String text) {
    int count = 0;
    boolean inWord = false;
    for (int i = 0; i < text.length(); i++) {
      boolean space = Character.isWhitespace(text.charAt(i));
      if (!space && !inWord) {
        count++;
      }
      inWord = !space;
    }
    return count;
  }

  /**
   * Splits text into tokens whose concatenation is the text again, so streamed deltas reassemble exactly into the
   * non-streamed content. Leading whitespace, if any, stays with the first token.
   */
  static List<String> split(String text) {
    List<String> tokens = new ArrayList<>();
    int start = 0;
    int i = 0;
    while (i < text.length()) {
      while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
        i++;
      }
      while (i < text.length() && !Character.isWhitespace(text.charAt(i))) {
        i++;
      }
      while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
        i++;
      }
      tokens.add(text.substring(start, i));
      start = i;
    }
    return tokens;
  }
}
