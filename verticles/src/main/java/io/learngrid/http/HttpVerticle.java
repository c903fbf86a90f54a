package io.learngrid.http;

import io.learngrid.cluster.NodeState;
import io.learngrid.config.LearngridConfig;
import io.learngrid.security.PasswordHasher;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.JWTAuthHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.io.IOException;
import java.io.InputStream;

/**
 * The http role: the public API of API.md. It validates, authorizes and turns each request into
 * event-bus requests; it never talks to PostgreSQL, Redis or the AI upstream itself.
 */
public final class HttpVerticle extends VerticleBase {

  private final LearngridConfig config;
  private final NodeState node;
  private final PrometheusMeterRegistry registry;
  private HttpServer server;

  public HttpVerticle(LearngridConfig config, NodeState node, PrometheusMeterRegistry registry) {
    this.config = config;
    this.node = node;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    return vertx.executeBlocking(HttpVerticle::readOpenApi)
        .compose(openApi -> {
          server = vertx.createHttpServer(new HttpServerOptions()
              .setHost(config.http().host())
              .setPort(config.http().port())
              .setCompressionSupported(true)
              .setIdleTimeout(120));
          return server.requestHandler(router(openApi)).listen();
        });
  }

  private Router router(Buffer openApi) {
    long busTimeout = config.busTimeoutMillis();
    Tokens tokens = new Tokens(vertx, config.auth());
    AuthRoutes auth = new AuthRoutes(vertx, new PasswordHasher(vertx, config.auth().bcryptCost()), tokens, busTimeout);
    CourseRoutes courses = new CourseRoutes(vertx,
        new CacheAside(vertx, registry, config.redis().commandTimeoutMillis() + 250), busTimeout,
        config.cacheTtls().courseSeconds());
    AiRoutes ai = new AiRoutes(vertx, config.ai().timeoutMillis() + busTimeout);
    AnswerRoutes answers = new AnswerRoutes(vertx, busTimeout);
    ProgressRoutes progress = new ProgressRoutes(vertx, busTimeout);
    OpsRoutes ops = new OpsRoutes(vertx, node, openApi);
    BodyHandler body = BodyHandler.create(false).setBodyLimit(config.http().bodyLimitBytes());
    BodyHandler aiBody = BodyHandler.create(false).setBodyLimit(config.http().aiBodyLimitBytes());
    FailureHandler failures = new FailureHandler(5);

    Router router = Router.router(vertx);
    router.route().handler(new RequestLog(config.http().accessLog()));

    router.get("/health").handler(ops::health);
    router.get("/health/ready").handler(ops::ready);
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    router.get("/openapi.yaml").handler(ops::openApi);

    router.post("/api/v1/auth/register").handler(body).handler(auth::register);
    router.post("/api/v1/auth/login").handler(body).handler(auth::login);

    router.route("/api/v1/*").handler(JWTAuthHandler.create(tokens.provider()));
    router.get("/api/v1/me").handler(auth::me);
    router.post("/api/v1/admin/users").handler(body).handler(auth::createUser);
    router.post("/api/v1/courses").handler(body).handler(courses::create);
    router.get("/api/v1/courses/:courseId").handler(courses::get);
    router.post("/api/v1/assignments/:assignmentId/answers").handler(body).handler(answers::submit);
    router.get("/api/v1/assignments/:assignmentId/stats").handler(answers::stats);
    router.get("/api/v1/me/progress").handler(progress::mine);
    router.get("/api/v1/courses/:courseId/students/:studentId/progress").handler(progress::student);
    router.post("/api/v1/ai/chat").handler(aiBody).handler(ai::chat);
    router.get("/api/v1/admin/cluster").handler(ops::cluster);

    router.route().failureHandler(failures);
    router.errorHandler(404, ctx -> FailureHandler.write(ctx, new ProblemException(404, "no such resource")));
    router.errorHandler(405, ctx -> FailureHandler.write(ctx,
        new ProblemException(405, "method not allowed on this resource")));
    return router;
  }

  private static Buffer readOpenApi() throws IOException {
    try (InputStream in = HttpVerticle.class.getResourceAsStream("/openapi.yaml")) {
      if (in == null) {
        throw new IOException("openapi.yaml is missing from the classpath");
      }
      return Buffer.buffer(in.readAllBytes());
    }
  }

  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
