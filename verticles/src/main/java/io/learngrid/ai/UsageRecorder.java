package io.learngrid.ai;

import io.learngrid.bus.ai.AiUsage;
import io.learngrid.bus.BusClient;
import io.learngrid.bus.ai.RecordAiUsage;
import io.learngrid.config.LearngridConfig;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Usage rows for the persistence role, off the reply path: buffered and sent in batches of up to
 * {@value #BATCH} or every {@value #FLUSH_MILLIS} ms. A batch the persistence role does not take is
 * logged, counted and dropped (usage is accounting, not something to hold replies for; budgets are
 * counted in Redis at once and do not depend on it).
 */
final class UsageRecorder {

  private static final Logger LOG = LoggerFactory.getLogger(UsageRecorder.class);
  static final int BATCH = 200;
  static final long FLUSH_MILLIS = 500;

  private final Vertx vertx;
  private final LearngridConfig.Ai settings;
  private final AiMetrics metrics;
  private final BusClient persistence;
  private List<AiUsage> buffer = new ArrayList<>();
  private long timerId = -1;

  UsageRecorder(Vertx vertx, LearngridConfig.Ai settings, AiMetrics metrics, long timeoutMillis) {
    this.vertx = vertx;
    this.settings = settings;
    this.metrics = metrics;
    this.persistence = new BusClient(vertx, timeoutMillis);
  }

  double cost(String model, int promptTokens, int completionTokens) {
    LearngridConfig.AiPrice price = settings.prices().get(model);
    return price == null ? 0 : promptTokens / 1000.0 * price.promptPer1k()
        + completionTokens / 1000.0 * price.completionPer1k();
  }

  void record(AiUsage usage) {
    buffer.add(usage);
    if (buffer.size() >= BATCH) {
      flush();
    } else if (timerId < 0) {
      timerId = vertx.setTimer(FLUSH_MILLIS, id -> {
        timerId = -1;
        flush();
      });
    }
  }

  void flush() {
    if (buffer.isEmpty()) {
      return;
    }
    List<AiUsage> batch = buffer;
    buffer = new ArrayList<>();
    persistence.request(RecordAiUsage.ENDPOINT, new RecordAiUsage(batch))
        .onFailure(failure -> {
          metrics.usageDropped.increment(batch.size());
          LOG.warn("dropped " + batch.size() + " AI usage rows: " + failure.getMessage());
        });
  }
}
