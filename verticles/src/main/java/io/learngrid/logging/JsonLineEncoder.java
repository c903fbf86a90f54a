package io.learngrid.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One JSON object per line, with the field names log shippers (Filebeat/Logstash, Promtail/Loki)
 * expect: {@code timestamp} (ISO-8601, UTC), {@code level}, {@code logger}, {@code thread},
 * {@code message}, every MDC entry ({@code requestId} on a request's lines) and, for a failure,
 * {@code stack_trace} as one string. Logback's own JsonEncoder nests the MDC and writes the
 * throwable as a tree of objects, which the shippers' default pipelines do not read.
 */
public final class JsonLineEncoder extends EncoderBase<ILoggingEvent> {

  @Override
  public byte[] headerBytes() {
    return null;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    StringBuilder json = new StringBuilder(256);
    json.append("{\"timestamp\":\"").append(event.getInstant()).append('"');
    field(json, "level", event.getLevel().toString());
    field(json, "logger", event.getLoggerName());
    field(json, "thread", event.getThreadName());
    field(json, "message", event.getFormattedMessage());
    // Only the MDC keys the node sets itself (RequestLog's requestId), so none clashes with the above.
    for (Map.Entry<String, String> entry : event.getMDCPropertyMap().entrySet()) {
      field(json, entry.getKey(), entry.getValue());
    }
    IThrowableProxy thrown = event.getThrowableProxy();
    if (thrown != null) {
      field(json, "stack_trace", ThrowableProxyUtil.asString(thrown));
    }
    return json.append("}\n").toString().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public byte[] footerBytes() {
    return null;
  }

  private static void field(StringBuilder json, String name, String value) {
    if (value == null) {
      return;
    }
    json.append(",\"");
    escape(json, name);
    json.append("\":\"");
    escape(json, value);
    json.append('"');
  }

  /** JSON string escaping: quotes, backslashes and control characters (so a newline never ends the line). */
  private static void escape(StringBuilder json, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        case '\n' -> json.append("\\n");
        case '\r' -> json.append("\\r");
        case '\t' -> json.append("\\t");
        default -> {
          if (c < 0x20) {
            json.append(String.format("\\u%04x", (int) c));
          } else {
            json.append(c);
          }
        }
      }
    }
  }
}
