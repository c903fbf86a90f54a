package io.learngrid.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import io.learngrid.config.LogFormat;
import java.net.URL;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * A node logs through SLF4J to Logback, to stderr: {@code logback.xml} (one line per event) unless
 * {@code LEARNGRID_LOG_FORMAT=json} picks {@code logback-json.xml} (one JSON object per line). An
 * operator's own file ({@code -Dlogback.configurationFile=...}) wins over both.
 */
public final class Logging {

  private static final String OWN_CONFIGURATION = "logback.configurationFile";

  private Logging() {}

  /** Called once by Main, before anything logs. */
  public static void configure(LogFormat format) {
    // Libraries that still write to java.util.logging (the PostgreSQL JDBC driver under Flyway,
    // Caffeine's System.Logger) reach the same output. The LevelChangePropagator in logback.xml
    // keeps java.util.logging's levels in step, so a disabled level costs what it did before.
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    if (format == LogFormat.JSON && System.getProperty(OWN_CONFIGURATION) == null) {
      LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
      try {
        configure(context, resource(format));
      } catch (JoranException e) {
        System.err.println("learngrid: cannot read " + resource(format) + ": " + e.getMessage());
      }
    }
  }

  /** The configuration shipped for {@code format}. */
  static URL resource(LogFormat format) {
    return Logging.class.getResource(format == LogFormat.JSON ? "/logback-json.xml" : "/logback.xml");
  }

  /** Replaces {@code context}'s configuration with {@code configuration}. */
  static void configure(LoggerContext context, URL configuration) throws JoranException {
    context.reset();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(configuration);
  }
}
