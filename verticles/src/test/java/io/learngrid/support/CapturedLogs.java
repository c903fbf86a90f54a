package io.learngrid.support;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/** The events one logger writes while a test runs, as Logback hands them to its appenders. */
public final class CapturedLogs extends AppenderBase<ILoggingEvent> implements AutoCloseable {

  private final Logger logger;
  private final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();

  private CapturedLogs(Logger logger) {
    this.logger = logger;
  }

  public static CapturedLogs of(Class<?> type) {
    return of(type.getName());
  }

  public static CapturedLogs of(String loggerName) {
    CapturedLogs captured = new CapturedLogs((Logger) LoggerFactory.getLogger(loggerName));
    captured.setContext(captured.logger.getLoggerContext());
    captured.start();
    captured.logger.addAppender(captured);
    return captured;
  }

  @Override
  protected void append(ILoggingEvent event) {
    // Fixes the MDC and the message now, on the thread that logged: read later, they would be the test thread's.
    event.prepareForDeferredProcessing();
    events.add(event);
  }

  public List<ILoggingEvent> events() {
    return List.copyOf(events);
  }

  @Override
  public void close() {
    logger.detachAppender(this);
    stop();
  }
}
