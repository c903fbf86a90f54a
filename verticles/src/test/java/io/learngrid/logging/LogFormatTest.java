package io.learngrid.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import io.learngrid.config.ConfigException;
import io.learngrid.config.LogFormat;
import io.learngrid.config.SettingsReader;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

@DisplayName("The node's log formats (logback.xml, logback-json.xml)")
class LogFormatTest {

  /** A context of its own, configured from the shipped file, so the tests' own logging is left alone. */
  private final LoggerContext context = new LoggerContext();
  private final ByteArrayOutputStream written = new ByteArrayOutputStream();

  @AfterEach
  void stop() {
    MDC.remove("requestId");
    context.stop();
  }

  /** Configures from the file shipped for {@code format}; its console appender's encoder writes to {@link #written}. */
  private Logger configured(LogFormat format) throws Exception {
    context.setMDCAdapter(MDC.getMDCAdapter());
    Logging.configure(context, Logging.resource(format));
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    assertThat(root.getAppender("console")).isInstanceOf(ConsoleAppender.class);
    @SuppressWarnings("unchecked")
    OutputStreamAppender<ILoggingEvent> console = (OutputStreamAppender<ILoggingEvent>) root.getAppender("console");
    assertThat(((ConsoleAppender<ILoggingEvent>) console).getTarget()).isEqualTo("System.err");
    OutputStreamAppender<ILoggingEvent> capture = new OutputStreamAppender<>();
    capture.setContext(context);
    capture.setEncoder(console.getEncoder());
    capture.setOutputStream(written);
    capture.start();
    root.detachAppender(console);
    root.addAppender(capture);
    return context.getLogger("io.learngrid.http.FailureHandler");
  }

  private List<String> lines() {
    return written.toString(StandardCharsets.UTF_8).lines().toList();
  }

  private static void logTwoEvents(Logger log) {
    MDC.put("requestId", "req-7");
    log.warn("request req-7 GET /x failed: \"quoted\"\nand a second line", new IllegalStateException("boom"));
    MDC.remove("requestId");
    log.info("node ready");
  }

  @Test
  @DisplayName("json: one parseable JSON object per line, with the request id and the stack trace as fields")
  void jsonOneObjectPerLine() throws Exception {
    logTwoEvents(configured(LogFormat.JSON));

    List<String> lines = lines();
    assertThat(lines).hasSize(2);
    JsonObject failure = new JsonObject(lines.get(0));
    assertThat(Instant.parse(failure.getString("timestamp"))).isBeforeOrEqualTo(Instant.now());
    assertThat(failure.getString("level")).isEqualTo("WARN");
    assertThat(failure.getString("logger")).isEqualTo("io.learngrid.http.FailureHandler");
    assertThat(failure.getString("thread")).isEqualTo(Thread.currentThread().getName());
    assertThat(failure.getString("message")).isEqualTo("request req-7 GET /x failed: \"quoted\"\nand a second line");
    assertThat(failure.getString("requestId")).isEqualTo("req-7");
    assertThat(failure.getString("stack_trace"))
        .startsWith("java.lang.IllegalStateException: boom")
        .contains("\tat " + LogFormatTest.class.getName() + ".logTwoEvents");

    JsonObject ready = new JsonObject(lines.get(1));
    assertThat(ready.getString("message")).isEqualTo("node ready");
    assertThat(ready.containsKey("requestId")).as("no request, no id").isFalse();
    assertThat(ready.containsKey("stack_trace")).isFalse();
  }

  @Test
  @DisplayName("text: one line per event with the logger's short name and [request id], the stack trace after it")
  void textOneLinePerEvent() throws Exception {
    logTwoEvents(configured(LogFormat.TEXT));

    List<String> lines = lines();
    assertThat(lines.get(0)).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z WARN FailureHandler \\[req-7\\] "
        + "request req-7 GET /x failed: \"quoted\" and a second line");
    assertThat(lines.get(1)).isEqualTo("java.lang.IllegalStateException: boom");
    assertThat(lines.get(2)).startsWith("\tat " + LogFormatTest.class.getName() + ".logTwoEvents");
    assertThat(lines.getLast()).endsWith(" INFO FailureHandler node ready");
  }

  @Test
  @DisplayName("both formats keep the noisy libraries at the levels they had")
  void noisyLibrariesQuiet() throws Exception {
    for (LogFormat format : LogFormat.values()) {
      configured(format);
      assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.INFO);
      assertThat(context.getLogger("com.hazelcast.cluster.impl.MembershipManager").getEffectiveLevel())
          .isEqualTo(Level.WARN);
      assertThat(context.getLogger("io.netty.channel.Foo").getEffectiveLevel()).isEqualTo(Level.WARN);
      assertThat(context.getLogger("com.hazelcast.cp.CPSubsystem").getEffectiveLevel()).isEqualTo(Level.ERROR);
      assertThat(context.getLogger("io.micrometer.core.instrument.MeterRegistry").getEffectiveLevel())
          .isEqualTo(Level.ERROR);
    }
  }

  @Test
  @DisplayName("LEARNGRID_LOG_FORMAT is text by default, json on request, and anything else is a configuration error")
  void setting() {
    assertThat(LogFormat.from(new SettingsReader(Map.of()))).isEqualTo(LogFormat.TEXT);
    assertThat(LogFormat.from(new SettingsReader(Map.of("LEARNGRID_LOG_FORMAT", "JSON")))).isEqualTo(LogFormat.JSON);
    assertThatThrownBy(() -> LogFormat.from(new SettingsReader(Map.of("LEARNGRID_LOG_FORMAT", "xml"))))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("LEARNGRID_LOG_FORMAT");
  }
}
