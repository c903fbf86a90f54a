package io.learngrid.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Configuration is read once, typed, and fails fast naming every bad key")
class LearngridConfigTest {

  private static Map<String, String> valid() {
    Map<String, String> values = new HashMap<>();
    values.put("LEARNGRID_PG_URL", "postgresql://app:secret@db:5432/learngrid");
    values.put("LEARNGRID_REDIS_URL", "redis://cache:6379");
    values.put("LEARNGRID_AI_URL", "http://ai:8089/");
    values.put("LEARNGRID_JWT_SECRET", "0123456789abcdef0123456789abcdef");
    return values;
  }

  private static LearngridConfig read(Map<String, String> values) {
    return LearngridConfig.from(new SettingsReader(values));
  }

  @Test
  @DisplayName("defaults give a node with every role on port 8080")
  void defaults() {
    LearngridConfig config = read(valid());
    assertThat(config.roles()).containsExactlyInAnyOrder(Role.values());
    assertThat(config.http().port()).isEqualTo(8080);
    assertThat(config.http().bodyLimitBytes()).isEqualTo(64 * 1024);
    assertThat(config.http().aiBodyLimitBytes()).isEqualTo(256 * 1024);
    assertThat(config.postgres().poolSize()).isEqualTo(10);
    assertThat(config.cacheTtls().courseSeconds()).isEqualTo(900);
    assertThat(config.ai().url()).isEqualTo("http://ai:8089");
    assertThat(config.clustered()).isFalse();
    assertThat(config.rateLimits().enabled()).isTrue();
    assertThat(config.rateLimits().perUser()).isEqualTo(100);
    assertThat(config.nearCache().maxEntries()).isEqualTo(10_000);
    assertThat(config.loginLimits()).isEqualTo(new LearngridConfig.LoginLimits(5, 20, 50, 900));
    assertThat(config.shutdown()).isEqualTo(new LearngridConfig.Shutdown(3_000, 30_000));
  }

  @Test
  @DisplayName("LEARNGRID_TRUSTED_PROXIES unset trusts loopback; set and empty, nobody")
  void trustedProxiesEmptyMeansNobody() {
    assertThat(read(valid()).rateLimits().trustedProxies()).hasSize(2);
    Map<String, String> none = new java.util.HashMap<>(valid());
    none.put("LEARNGRID_TRUSTED_PROXIES", "");
    assertThat(read(none).rateLimits().trustedProxies()).isEmpty();
  }

  @Test
  @DisplayName("a bad number, URL, role or flag names its key")
  void badValuesNameTheirKey() {
    assertFails("LEARNGRID_HTTP_PORT", "eighty");
    assertFails("LEARNGRID_HTTP_PORT", "70000");
    assertFails("LEARNGRID_PG_POOL_SIZE", "0");
    assertFails("LEARNGRID_PG_URL", "mysql://db/x");
    assertFails("LEARNGRID_REDIS_URL", "localhost:6379");
    assertFails("LEARNGRID_TRUSTED_PROXIES", "10.0.0.0/33");
    assertFails("LEARNGRID_TRUSTED_PROXIES", "proxy.example.com");
    assertFails("LEARNGRID_RATE_LIMIT_USER_PER_MINUTE", "-1");
    assertFails("LEARNGRID_ROLES", "http,database");
    assertFails("LEARNGRID_RATE_LIMITS", "maybe");
    assertFails("LEARNGRID_LOGIN_MAX_FAILURES_PER_EMAIL", "0");
    assertFails("LEARNGRID_LOGIN_MAX_FAILURES_PER_IP", "many");
    assertFails("LEARNGRID_LOGIN_WINDOW_SECONDS", "86401");
    assertFails("LEARNGRID_JWT_SECRET", "too-short");
    assertFails("LEARNGRID_SHUTDOWN_GRACE_MS", "-1");
    assertFails("LEARNGRID_SHUTDOWN_TIMEOUT_MS", "soon");
  }

  @Test
  @DisplayName("every bad or missing key is reported at once, in one exception")
  void everyProblemAtOnce() {
    Map<String, String> values = valid();
    values.put("LEARNGRID_HTTP_PORT", "eighty");
    values.put("LEARNGRID_TRUSTED_PROXIES", "10.0.0.0/8,proxy.example.com");
    values.remove("LEARNGRID_REDIS_URL");
    assertThatThrownBy(() -> read(values)).isInstanceOfSatisfying(ConfigException.class, e -> {
      assertThat(e.problems()).hasSize(3);
      assertThat(e.problems().get(0)).startsWith("LEARNGRID_HTTP_PORT: 'eighty' is not a whole number");
      assertThat(e.problems()).anyMatch(p -> p.startsWith("LEARNGRID_REDIS_URL: is required"));
      assertThat(e.problems()).anyMatch(p -> p.startsWith("LEARNGRID_TRUSTED_PROXIES: has 'proxy.example.com'"));
      assertThat(e.getMessage().lines()).hasSize(3);
    });

    assertThatThrownBy(() -> read(new HashMap<>())).isInstanceOfSatisfying(ConfigException.class, e ->
        assertThat(e.problems()).extracting(p -> p.substring(0, p.indexOf(':'))).containsExactly(
            "LEARNGRID_PG_URL", "LEARNGRID_REDIS_URL", "LEARNGRID_AI_URL", "LEARNGRID_JWT_SECRET"));
  }

  @Test
  @DisplayName("a URL is required only on nodes with the role that uses it")
  void urlsFollowRoles() {
    Map<String, String> httpOnly = new HashMap<>();
    httpOnly.put("LEARNGRID_ROLES", "http");
    httpOnly.put("LEARNGRID_JWT_SECRET", "0123456789abcdef0123456789abcdef");
    assertThat(read(httpOnly).postgres().url()).isNull();

    Map<String, String> persistence = new HashMap<>(httpOnly);
    persistence.put("LEARNGRID_ROLES", "http,persistence");
    assertThatThrownBy(() -> read(persistence)).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("LEARNGRID_PG_URL: is required");

    Map<String, String> noHttp = new HashMap<>();
    noHttp.put("LEARNGRID_ROLES", "cache");
    noHttp.put("LEARNGRID_REDIS_URL", "redis://127.0.0.1:6379");
    assertThat(read(noHttp).auth().jwtSecret()).isNull();
  }

  @Test
  @DisplayName("LEARNGRID_SMTP_URL is taken apart (smtps = TLS, default ports, decoded login) and never shows its password")
  void smtpUrl() {
    Map<String, String> values = valid();
    assertThat(read(values).mail().smtp()).as("unset: no email runner, jobs wait").isNull();
    assertThat(read(values).mail().publicUrl()).isEqualTo("http://localhost:8080");
    assertThat(read(values).mail().from()).isEqualTo("learngrid <no-reply@learngrid.local>");

    values.put("LEARNGRID_SMTP_URL", "smtps://mailer%40school.example:p%3Ass+w0rd@smtp.school.example");
    values.put("LEARNGRID_PUBLIC_URL", "https://learn.school.example/");
    LearngridConfig.Mail mail = read(values).mail();
    assertThat(mail.smtp()).isEqualTo(new LearngridConfig.Smtp("smtp.school.example", 465, true,
        "mailer@school.example", "p:ss+w0rd"));
    assertThat(mail.smtp().toString()).doesNotContain("p:ss").doesNotContain("w0rd").contains("smtp.school.example:465");
    assertThat(mail.publicUrl()).isEqualTo("https://learn.school.example");

    values.put("LEARNGRID_SMTP_URL", "smtp://mail:2525");
    assertThat(read(values).mail().smtp()).isEqualTo(new LearngridConfig.Smtp("mail", 2525, false, null, null));
    values.put("LEARNGRID_SMTP_URL", "smtp://mail");
    assertThat(read(values).mail().smtp().port()).isEqualTo(25);

    assertFails("LEARNGRID_SMTP_URL", "http://mail:25");
    assertFails("LEARNGRID_SMTP_URL", "smtp://mail:25/inbox");
    assertFails("LEARNGRID_SMTP_URL", "mail:25");
    assertFails("LEARNGRID_PUBLIC_URL", "learn.school.example");
    assertFails("LEARNGRID_MAIL_FROM", "nobody");
    values.put("LEARNGRID_SMTP_URL", "smtp://user:secret-pass@mail:25/x");
    assertThatThrownBy(() -> read(values)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("LEARNGRID_SMTP_URL").satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret-pass"));
  }

  @Test
  @DisplayName("the admin email and password come together")
  void adminPair() {
    Map<String, String> values = valid();
    values.put("LEARNGRID_ADMIN_EMAIL", "root@example.com");
    assertThatThrownBy(() -> read(values)).hasMessageStartingWith("LEARNGRID_ADMIN_PASSWORD:");
  }

  @Test
  @DisplayName("a config file supplies settings and the environment overrides it")
  void fileUnderEnvironment(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("node.env");
    Files.writeString(file, "LEARNGRID_HTTP_PORT=9090\nLEARNGRID_PG_POOL_SIZE=7\n");
    Map<String, String> env = valid();
    env.put("LEARNGRID_HTTP_PORT", "9191");
    env.put("PATH", "/usr/bin");
    LearngridConfig config = LearngridConfig.from(SettingsReader.fromEnvironment(env, file.toString()));
    assertThat(config.http().port()).isEqualTo(9191);
    assertThat(config.postgres().poolSize()).isEqualTo(7);

    Files.writeString(file, "HTTP_PORT=1\n");
    assertThatThrownBy(() -> SettingsReader.fromEnvironment(env, file.toString()))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("HTTP_PORT:");
    assertThatThrownBy(() -> SettingsReader.fromEnvironment(env, dir.resolve("missing.env").toString()))
        .hasMessageStartingWith("LEARNGRID_CONFIG_FILE:");
  }

  private static void assertFails(String key, String value) {
    Map<String, String> values = valid();
    values.put(key, value);
    assertThatThrownBy(() -> read(values))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(key + ":");
  }

  @Test
  @DisplayName("answer settings default to batches of 512, half the pool in flight, a 200 ms aggregator and 400 days of events")
  void answerSettings() {
    LearngridConfig.Answers answers = read(valid()).answers();
    assertThat(answers.batchMaxSize()).isEqualTo(512);
    assertThat(answers.maxConcurrentBatches()).isEqualTo(5);
    assertThat(answers.aggregatorIntervalMillis()).isEqualTo(200);
    assertThat(answers.aggregatorBatchSize()).isEqualTo(1_000);
    assertThat(answers.retentionDays()).isEqualTo(400);

    Map<String, String> values = valid();
    values.put("LEARNGRID_PG_POOL_SIZE", "1");
    assertThat(read(values).answers().maxConcurrentBatches()).isEqualTo(1);
    values.put("LEARNGRID_PG_POOL_SIZE", "8");
    values.put("LEARNGRID_ANSWER_MAX_CONCURRENT_BATCHES", "9");
    assertThatThrownBy(() -> read(values)).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("LEARNGRID_ANSWER_MAX_CONCURRENT_BATCHES: 9 is outside 1..8");
    assertFails("LEARNGRID_ANSWER_BATCH_MAX_SIZE", "0");
    assertFails("LEARNGRID_AGGREGATOR_INTERVAL_MS", "5");
    assertFails("LEARNGRID_AGGREGATOR_BATCH_SIZE", "lots");
    assertFails("LEARNGRID_ANSWER_RETENTION_DAYS", "0");
  }

  @Test
  @DisplayName("a kind's job concurrency may be 0 (this node runs none of it), never negative")
  void jobConcurrencyMayBeZero() {
    assertThat(read(valid()).jobs().kind("export").concurrency()).isEqualTo(2);
    Map<String, String> values = valid();
    values.put("LEARNGRID_JOBS_EXPORT_CONCURRENCY", "0");
    values.put("LEARNGRID_AI_JOBS_CONCURRENCY", "0");
    LearngridConfig config = read(values);
    assertThat(config.jobs().kind("export").concurrency()).isZero();
    assertThat(config.jobs().kind("questions").concurrency()).isZero();
    assertThat(config.jobs().kind("roster").concurrency()).isEqualTo(2);
    assertFails("LEARNGRID_JOBS_EXPORT_CONCURRENCY", "-1");
  }

  @Test
  @DisplayName("retention defaults to 24 hours of Idempotency-Keys, 30 days of finished AI jobs and 400 days of AI usage")
  void retentionSettings() {
    assertThat(read(valid()).retention()).isEqualTo(new LearngridConfig.Retention(24, 30, 400));
    Map<String, String> values = valid();
    values.put("LEARNGRID_IDEMPOTENCY_KEY_HOURS", "72");
    values.put("LEARNGRID_JOB_RETENTION_DAYS", "7");
    values.put("LEARNGRID_AI_USAGE_RETENTION_DAYS", "3650");
    assertThat(read(values).retention()).isEqualTo(new LearngridConfig.Retention(72, 7, 3650));
    assertFails("LEARNGRID_IDEMPOTENCY_KEY_HOURS", "0");
    assertFails("LEARNGRID_JOB_RETENTION_DAYS", "forever");
    assertFails("LEARNGRID_AI_USAGE_RETENTION_DAYS", "36501");
  }

  @Test
  @DisplayName("AI upstreams: LEARNGRID_AI_URL first, then each named one, keys from env or a file, never in toString")
  void aiUpstreams(@TempDir Path dir) throws Exception {
    Path keyFile = dir.resolve("backup.key");
    Files.writeString(keyFile, "sk-from-file\n");
    Map<String, String> values = valid();
    values.put("LEARNGRID_AI_API_KEY", "sk-default");
    values.put("LEARNGRID_AI_UPSTREAMS", "backup");
    values.put("LEARNGRID_AI_UPSTREAM_BACKUP_URL", "https://backup.example/");
    values.put("LEARNGRID_AI_UPSTREAM_BACKUP_API_KEY_FILE", keyFile.toString());
    values.put("LEARNGRID_AI_UPSTREAM_BACKUP_MODELS", "gpt-4o-mini, gpt-4o");
    values.put("LEARNGRID_AI_UPSTREAM_BACKUP_WEIGHT", "3");
    values.put("LEARNGRID_AI_UPSTREAM_BACKUP_TIMEOUT_MS", "9000");
    values.put("LEARNGRID_AI_PRICES", "gpt-4o-mini:0.00015:0.0006");
    LearngridConfig.Ai ai = read(values).ai();
    assertThat(ai.upstreams()).hasSize(2);
    LearngridConfig.AiUpstream first = ai.upstreams().get(0);
    assertThat(first.name()).isEqualTo("default");
    assertThat(first.apiKey()).isEqualTo("sk-default");
    assertThat(first.models()).isEmpty();
    LearngridConfig.AiUpstream backup = ai.upstreams().get(1);
    assertThat(backup.url()).isEqualTo("https://backup.example");
    assertThat(backup.apiKey()).isEqualTo("sk-from-file");
    assertThat(backup.models()).containsExactly("gpt-4o-mini", "gpt-4o");
    assertThat(backup.weight()).isEqualTo(3);
    assertThat(backup.timeoutMillis()).isEqualTo(9000);
    assertThat(backup.toString()).doesNotContain("sk-");
    assertThat(ai.prices().get("gpt-4o-mini")).isEqualTo(new LearngridConfig.AiPrice(0.00015, 0.0006));
    assertThat(ai.poolSize()).isEqualTo(50);
    assertThat(ai.generationCacheSeconds()).isEqualTo(7 * 86_400);
  }

  @Test
  @DisplayName("a bad AI upstream setting names its key")
  void badAiSettingsNameTheirKey() {
    assertFails("LEARNGRID_AI_UPSTREAMS", "no spaces allowed");
    assertFails("LEARNGRID_AI_PRICES", "gpt-4o:cheap:0.1");
    assertFails("LEARNGRID_AI_MAX_RETRIES", "11");
    assertFails("LEARNGRID_AI_API_KEY_FILE", "/nonexistent/key");
    Map<String, String> missingUrl = valid();
    missingUrl.put("LEARNGRID_AI_UPSTREAMS", "backup");
    assertThatThrownBy(() -> read(missingUrl)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("LEARNGRID_AI_UPSTREAM_BACKUP_URL");
  }
}
