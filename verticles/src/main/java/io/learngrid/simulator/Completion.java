package io.learngrid.simulator;

import java.util.List;

/**
 * A generated answer, already cut into the tokens that are streamed one by one.
 *
 * @param tokens       the answer's tokens; joined they form the message content
 * @param finishReason {@code stop}, or {@code length} when the client's {@code max_tokens} cut the answer short
 */
record Completion(List<String> tokens, String finishReason) {

  Completion {
    tokens = List.copyOf(tokens);
  }

  String content() {
    return String.join("", tokens);
  }

  int completionTokens() {
    return tokens.size();
  }
}
