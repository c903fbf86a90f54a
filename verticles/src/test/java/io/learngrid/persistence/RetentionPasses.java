package io.learngrid.persistence;

import io.learngrid.config.LearngridConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.TimeUnit;

/** One retention pass with the default settings, for tests outside this package (Retention is the persistence role's own). */
public final class RetentionPasses {

  private RetentionPasses() {}

  public static void run(Pool pool) throws Exception {
    new Retention(pool, new LearngridConfig.Retention(24, 30, 400), new SimpleMeterRegistry()).run()
        .await(60, TimeUnit.SECONDS);
  }
}
