package io.learngrid.http.ai;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("An SSE delta written by hand has the bytes JsonObject would write")
class DeltaEventTest {

  @Test
  @DisplayName("quotes, backslashes, control characters, non-ASCII text and emoji")
  void sameBytes() {
    for (String text : new String[] {"plain ", "\"quoted\" \\ back", "line\nbreak\ttab\r\u0001\u001f", "café ∑ 漢字",
        "emoji 🎓", "</script>", ""}) {
      String expected = "data: " + new JsonObject().put("delta", text).encode() + "\n\n";
      assertThat(ChatStreamRelay.deltaEvent(text).toString()).isEqualTo(expected);
    }
  }
}
