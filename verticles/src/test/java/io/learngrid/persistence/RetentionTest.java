package io.learngrid.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.config.LearngridConfig;
import io.learngrid.support.LearningFixture;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.TestNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Retention: what expired is deleted in batches, by nodes sharing the work; the rest stays")
class RetentionTest {

  private static final LearngridConfig.Retention DEFAULTS = new LearngridConfig.Retention(24, 30, 400);

  @Test
  @DisplayName("two passes at once delete every expired Idempotency-Key, refresh token, finished job and usage row exactly once")
  void expiredRowsGo() throws Exception {
    try (TestNode node = NodeSettings.defaults().start()) {
      // The node migrates the schema and exports the counters from its start. It is closed before
      // the rows go in, so that its own pass at start cannot take any of them.
      assertThat(node.api().get("/metrics", null).body())
          .contains("learngrid_retention_deleted_total{table=\"idempotency_keys\"}");
    }
    try (LearningFixture fixture = LearningFixture.open()) {
      UUID user = UUID.fromString(fixture.teacher().id());
      // More expired keys than two batches, so a pass loops; one an hour short of expiry stays.
      int expiredKeys = 2 * Retention.BATCH + 1;
      fixture.execute("""
          INSERT INTO idempotency_keys (user_id, key, request_hash, status, response, created_at)
          SELECT $1, 'old-' || i, '\\x00', 201, '{}', now() - interval '25 hours' FROM generate_series(1, $2) i""",
          user, expiredKeys);
      fixture.execute("""
          INSERT INTO idempotency_keys (user_id, key, request_hash, status, response, created_at)
          VALUES ($1, 'recent', '\\x00', 201, '{}', now() - interval '23 hours')""", user);

      // Refresh tokens: expired 31 days ago goes; expired 29 days ago still revokes its family on reuse.
      fixture.execute("""
          INSERT INTO refresh_tokens (token_hash, family_id, user_id, expires_at)
          VALUES (sha256('gone'::bytea || $1::text::bytea), gen_random_uuid(), $1, now() - interval '31 days'),
                 (sha256('kept'::bytea || $1::text::bytea), gen_random_uuid(), $1, now() - interval '29 days'),
                 (sha256('live'::bytea || $1::text::bytea), gen_random_uuid(), $1, now() + interval '1 day')""", user);

      // AI jobs: finished 31 days ago (either way) go; finished 29 days ago and an old unfinished job stay.
      fixture.execute("""
          INSERT INTO jobs (id, owner_id, kind, status, input, max_attempts, created_at, finished_at)
          VALUES (gen_random_uuid(), $1, 'questions', 'succeeded', '{}', 3, now() - interval '40 days', now() - interval '31 days'),
                 (gen_random_uuid(), $1, 'questions', 'failed', '{}', 3, now() - interval '40 days', now() - interval '31 days'),
                 (gen_random_uuid(), $1, 'lesson-plan', 'succeeded', '{}', 3, now() - interval '40 days', now() - interval '29 days'),
                 (gen_random_uuid(), $1, 'questions', 'queued', '{}', 3, now() - interval '60 days', NULL)""", user);

      fixture.execute("""
          INSERT INTO ai_usage (user_id, model, purpose, prompt_tokens, completion_tokens, cost, latency_ms, cached,
                                streamed, created_at)
          VALUES ($1, 'm', 'chat', 1, 1, 0, 1, false, false, now() - interval '401 days'),
                 ($1, 'm', 'chat', 1, 1, 0, 1, false, false, now() - interval '399 days')""", user);

      // Export files: one that expired a minute ago goes with its chunks; one a minute short stays.
      fixture.execute("""
          INSERT INTO export_files (job_id, owner_id, kind, filename, expires_at)
          VALUES ('00000000-0000-4000-8000-00000000e001'::uuid, $1, 'answers', 'gone.csv', now() - interval '1 minute'),
                 ('00000000-0000-4000-8000-00000000e002'::uuid, $1, 'answers', 'kept.csv', now() + interval '1 minute')""",
          user);
      fixture.execute("""
          INSERT INTO export_chunks (job_id, seq, data)
          VALUES ('00000000-0000-4000-8000-00000000e001'::uuid, 0, '\\x41'), ('00000000-0000-4000-8000-00000000e002'::uuid, 0, '\\x41')""");

      // Two persistence nodes whose hourly passes coincide.
      SimpleMeterRegistry one = new SimpleMeterRegistry();
      SimpleMeterRegistry two = new SimpleMeterRegistry();
      Future.all(new Retention(fixture.pool(), DEFAULTS, one).run(), new Retention(fixture.pool(), DEFAULTS, two).run())
          .await(60, TimeUnit.SECONDS);

      assertThat(fixture.number("SELECT count(*) FROM idempotency_keys WHERE user_id = $1 AND key LIKE 'old-%'", user))
          .isZero();
      assertThat(fixture.number("SELECT count(*) FROM idempotency_keys WHERE user_id = $1 AND key = 'recent'", user))
          .isOne();
      assertThat(deleted(one, two, "idempotency_keys")).isEqualTo(expiredKeys);

      assertThat(fixture.number("SELECT count(*) FROM refresh_tokens WHERE user_id = $1", user)).isEqualTo(2);
      assertThat(fixture.number("SELECT count(*) FROM refresh_tokens WHERE user_id = $1 AND expires_at < now() - interval '30 days'",
          user)).isZero();
      assertThat(deleted(one, two, "refresh_tokens")).isEqualTo(1);

      assertThat(fixture.rows("SELECT status FROM jobs WHERE owner_id = $1 ORDER BY status", user))
          .extracting(row -> row.getString("status")).containsExactly("queued", "succeeded");
      assertThat(deleted(one, two, "jobs")).isEqualTo(2);

      assertThat(fixture.number("SELECT count(*) FROM ai_usage WHERE user_id = $1", user)).isOne();
      assertThat(deleted(one, two, "ai_usage")).isEqualTo(1);

      assertThat(fixture.rows("SELECT filename FROM export_files WHERE owner_id = $1", user))
          .extracting(row -> row.getString("filename")).containsExactly("kept.csv");
      assertThat(fixture.number("""
          SELECT count(*) FROM export_chunks WHERE job_id IN ('00000000-0000-4000-8000-00000000e001'::uuid,
                                                             '00000000-0000-4000-8000-00000000e002'::uuid)""")).isOne();
      assertThat(deleted(one, two, "export_files")).isEqualTo(1);
    }
  }

  private static double deleted(SimpleMeterRegistry one, SimpleMeterRegistry two, String table) {
    return one.get("learngrid.retention.deleted").tag("table", table).counter().count()
        + two.get("learngrid.retention.deleted").tag("table", table).counter().count();
  }
}
