package io.learngrid.support;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Test-only rows for the learning tables (accounts, courses, enrollments, assignments and
 * questions), written with SQL straight into the test PostgreSQL, plus access tokens signed with
 * the test nodes' secret. It stands in for routes that other work provides, and lets tests check
 * what was stored. Open it after a {@link TestNode} has migrated the schema.
 */
public final class LearningFixture implements AutoCloseable {

  /** An account and an access token for it. */
  public record Account(String id, String role, String token) {}

  /** One question to create: {@code answer} is stored as its JSON value. */
  public record QuestionSpec(String kind, Object answer, int points) {}

  public record Assignment(String id, String courseId, List<String> questionIds, int maxPoints) {}

  private final Vertx vertx;
  private final Pool pool;
  private final JWTAuth jwt;

  private LearningFixture(Vertx vertx, Pool pool, JWTAuth jwt) {
    this.vertx = vertx;
    this.pool = pool;
    this.jwt = jwt;
  }

  public static LearningFixture open() {
    Vertx vertx = Vertx.vertx();
    Pool pool = PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(4))
        .connectingTo(PgConnectOptions.fromUri(TestServices.postgresUrl()).addProperty("application_name", "learngrid-test"))
        .using(vertx)
        .build();
    JWTAuth jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(TestNode.JWT_SECRET)));
    return new LearningFixture(vertx, pool, jwt);
  }

  public Account student() {
    return account("student");
  }

  public Account teacher() {
    return account("teacher");
  }

  public Account admin() {
    return account("admin");
  }

  /** A new account of {@code role} (it cannot log in: tests use the token). */
  public Account account(String role) {
    String id = one("INSERT INTO users (email, password_hash, display_name, role) VALUES ($1, 'no-login', $2, $3) RETURNING id",
        role + "-" + UUID.randomUUID() + "@fixture.learngrid", "Fixture " + role, role).getUUID(0).toString();
    return new Account(id, role, token(id, role));
  }

  /**
   * An access token like the http role issues (HS256, issuer learngrid, audience learngrid-api, a
   * jti, the default 900 s lifetime: since v1.1 a token without them or living longer is refused).
   */
  public String token(String userId, String role) {
    return jwt.generateToken(new JsonObject().put("sub", userId).put("role", role)
            .put("jti", UUID.randomUUID().toString()),
        new JWTOptions().setAlgorithm("HS256").setIssuer("learngrid").setAudience(List.of("learngrid-api"))
            .setExpiresInSeconds(900));
  }

  public String course(String teacherId) {
    return one("INSERT INTO courses (teacher_id, title, subject) VALUES ($1, 'Fixture course', 'fixtures') RETURNING id",
        UUID.fromString(teacherId)).getUUID(0).toString();
  }

  public void enroll(String courseId, String studentId) {
    execute("INSERT INTO enrollments (course_id, student_id) VALUES ($1, $2)", UUID.fromString(courseId),
        UUID.fromString(studentId));
  }

  public Assignment assignment(String courseId, List<QuestionSpec> questions) {
    int maxPoints = questions.stream().mapToInt(QuestionSpec::points).sum();
    String id = one("INSERT INTO assignments (course_id, title, question_count, max_points) VALUES ($1, 'Fixture assignment', $2, $3) RETURNING id",
        UUID.fromString(courseId), questions.size(), maxPoints).getUUID(0).toString();
    List<String> questionIds = new ArrayList<>();
    for (int i = 0; i < questions.size(); i++) {
      QuestionSpec q = questions.get(i);
      questionIds.add(one("INSERT INTO questions (assignment_id, position, prompt, kind, answer, points) "
              + "VALUES ($1, $2, $3, $4, $5::jsonb, $6) RETURNING id",
          // The client encodes a parameter of type jsonb as the JSON value of the Java object.
          UUID.fromString(id), i, "Question " + (i + 1), q.kind(), q.answer(), q.points()).getUUID(0).toString());
    }
    return new Assignment(id, courseId, questionIds, maxPoints);
  }

  /** The fixture's pool, for code under test that takes one. */
  public Pool pool() {
    return pool;
  }

  /** Rows of a query as JSON objects (column name to value). */
  public List<JsonObject> rows(String sql, Object... params) {
    List<JsonObject> result = new ArrayList<>();
    for (Row row : await(pool.preparedQuery(sql).execute(Tuple.wrap(params)))) {
      result.add(row.toJson());
    }
    return result;
  }

  /** The single number a query returns (count, sum). */
  public long number(String sql, Object... params) {
    Row row = one(sql, params);
    return row.getValue(0) == null ? 0 : ((Number) row.getValue(0)).longValue();
  }

  public int execute(String sql, Object... params) {
    return await(pool.preparedQuery(sql).execute(Tuple.wrap(params))).rowCount();
  }

  /** A statement that takes no parameters (DDL). */
  public void ddl(String sql) {
    await(pool.query(sql).execute());
  }

  private Row one(String sql, Object... params) {
    var rows = await(pool.preparedQuery(sql).execute(Tuple.wrap(params)));
    if (rows.size() != 1) {
      throw new IllegalStateException("expected one row from " + sql + ", got " + rows.size());
    }
    return rows.iterator().next();
  }

  private static <T> T await(io.vertx.core.Future<T> future) {
    try {
      return future.await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  @Override
  public void close() throws Exception {
    pool.close().await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}
