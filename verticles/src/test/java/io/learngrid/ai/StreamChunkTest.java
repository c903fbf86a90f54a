package io.learngrid.ai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.learngrid.bus.ai.ChatReply;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A line of an upstream's stream is read without building a JsonObject")
class StreamChunkTest {

  private static StreamChunk parse(String line) {
    return StreamChunk.parse(Buffer.buffer(line));
  }

  @Test
  @DisplayName("the text of choices[0].delta.content, whatever else the chunk holds")
  void content() {
    StreamChunk chunk = parse("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
        + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"caf\\u00e9 \\\"q\\\"\\n\","
        + "\"tool_calls\":[{\"x\":[1,2]}]},\"finish_reason\":null},{\"index\":1,\"delta\":{\"content\":\"other\"}}],"
        + "\"system_fingerprint\":{\"nested\":[true,null]}}\r");
    assertThat(chunk.content()).isEqualTo("café \"q\"\n");
    assertThat(chunk.usage()).isNull();
  }

  @Test
  @DisplayName("usage as the last chunk sends it, with or without a space after data:")
  void usage() {
    StreamChunk chunk = parse("data:{\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":40,"
        + "\"total_tokens\":52,\"details\":{\"cached\":0}}}");
    assertThat(chunk.content()).isNull();
    assertThat(chunk.usage()).isEqualTo(new ChatReply.Usage(12, 40));
  }

  @Test
  @DisplayName("[DONE], comments, other fields and blank lines carry no chunk")
  void notChunks() {
    assertThat(parse("data: [DONE]")).isNull();
    assertThat(parse("data: [DONE]\r")).isNull();
    assertThat(parse(": ping")).isNull();
    assertThat(parse("event: message")).isNull();
    assertThat(parse("")).isNull();
    assertThat(parse("\r")).isNull();
  }

  @Test
  @DisplayName("a chunk without choices or usage is empty, not an error")
  void emptyChunk() {
    StreamChunk chunk = parse("data: {\"choices\":[{\"delta\":{}}]}");
    assertThat(chunk.content()).isNull();
    assertThat(chunk.usage()).isNull();
  }

  @Test
  @DisplayName("broken JSON, a value that is not an object, or text after the object are malformed")
  void malformed() {
    assertThatThrownBy(() -> parse("data: {\"choices\":[{\"delta\":")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> parse("data: [1,2]")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> parse("data: {\"choices\":[]} {}")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> parse("data: nope")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("reads the first choice's finish_reason, which may come on a chunk without content")
  void finishReason() {
    StreamChunk chunk = parse("data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}]}");
    assertThat(chunk.content()).isNull();
    assertThat(chunk.finishReason()).isEqualTo("length");
    assertThat(parse("data: {\"choices\":[{\"delta\":{\"content\":\"x\"},\"finish_reason\":null}]}").finishReason())
        .isNull();
  }
}
