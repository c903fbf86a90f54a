package io.learngrid.http;

import io.learngrid.bridge.BusSchemas;
import io.learngrid.cluster.NodeState;
import io.learngrid.config.LearngridConfig;
import io.learngrid.http.ai.AiJobRoutes;
import io.learngrid.http.jobs.JobRoutes;
import io.learngrid.http.ai.AiRoutes;
import io.learngrid.http.ai.AiUsageRoutes;
import io.learngrid.http.ai.ChatStreamRelay;
import io.learngrid.http.ai.OpenAiRoutes;
import io.learngrid.http.ai.Overhead;
import io.learngrid.http.assignments.AnswerRoutes;
import io.learngrid.http.assignments.AssignmentRoutes;
import io.learngrid.http.assignments.ProgressRoutes;
import io.learngrid.http.assignments.QuestionRoutes;
import io.learngrid.http.auth.AccountRoutes;
import io.learngrid.http.auth.AdminUserRoutes;
import io.learngrid.http.auth.ApiKeyRoutes;
import io.learngrid.http.auth.ApiKeys;
import io.learngrid.http.auth.GatewayAuth;
import io.learngrid.http.auth.AuthRoutes;
import io.learngrid.http.auth.LoginThrottle;
import io.learngrid.http.auth.Revocations;
import io.learngrid.http.auth.Tokens;
import io.learngrid.http.caching.CacheAside;
import io.learngrid.http.caching.NearCache;
import io.learngrid.http.caching.NearInvalidation;
import io.learngrid.http.contract.ContractValidation;
import io.learngrid.http.courses.CourseRoutes;
import io.learngrid.http.courses.EnrollmentRoutes;
import io.learngrid.http.courses.ExportRoutes;
import io.learngrid.http.courses.GradebookRoutes;
import io.learngrid.http.courses.RosterRoutes;
import io.learngrid.http.events.CourseEventHub;
import io.learngrid.http.events.EventRoutes;
import io.learngrid.http.events.WebhookRoutes;
import io.learngrid.http.limits.RateLimiter;
import io.learngrid.dev.DevMail;
import io.learngrid.http.ops.CacheRoutes;
import io.learngrid.http.ops.DevMailRoutes;
import io.learngrid.http.ops.OpsRoutes;
import io.learngrid.http.web.WebApp;
import io.learngrid.security.PasswordHasher;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.handler.JWTAuthHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The http role: the public API of docs/api.md. It validates, authorizes and turns each request into
 * event-bus requests; it never talks to PostgreSQL, Redis or the AI upstream itself.
 *
 * <p>{@link #router} is the route table. Its handlers live by feature: {@code http.auth},
 * {@code http.courses} (courses, enrollments), {@code http.assignments} (assignments, answers,
 * progress and statistics), {@code http.ai} (chat, streams, AI jobs), {@code http.ops} (health,
 * contract, cluster, cache clear), each in a {@code *Routes} class; the contract check is
 * {@code http.contract}, the rate budgets {@code http.limits}, cache-aside and the near cache
 * {@code http.caching}. This package keeps what every feature uses: Input, Caller, Ids, Access,
 * Paging, Replies and the failure handler.
 */
public final class HttpVerticle extends VerticleBase {

  /** Swagger UI's files in org.webjars:swagger-ui; the version is the dependency's in verticles/pom.xml. */
  private static final String SWAGGER_UI = "META-INF/resources/webjars/swagger-ui/5.35.0";

  // How often each node reloads the revocations from PostgreSQL, repairing a publish it missed.
  private static final long REVOCATION_RESYNC_MILLIS = 30_000;

  private final LearngridConfig config;
  private final NodeState node;
  private final PrometheusMeterRegistry registry;
  private final DevMail devMail;
  private HttpServer server;
  private Router router;
  private ChatStreamRelay chatStreams;
  private Tokens tokens;
  private Revocations revocations;
  private ApiKeys apiKeys;
  private final SlowClients slowClients;
  private CourseEventHub eventHub;

  public HttpVerticle(LearngridConfig config, NodeState node, PrometheusMeterRegistry registry) {
    this(config, node, registry, null, SlowClients.of(config), null);
  }

  /**
   * {@code devMail}: the dev node's SMTP server, whose catch {@code GET /dev/mail} lists; null
   * elsewhere (no such route). {@code slowClients} and {@code eventHub} (the course event feeds):
   * one per node, shared by its instances; a null hub makes one of this instance's own.
   */
  public HttpVerticle(LearngridConfig config, NodeState node, PrometheusMeterRegistry registry, DevMail devMail,
                      SlowClients slowClients, CourseEventHub eventHub) {
    this.config = config;
    this.node = node;
    this.registry = registry;
    this.devMail = devMail;
    this.slowClients = slowClients;
    this.eventHub = eventHub;
  }

  @Override
  public Future<?> start() {
    if (eventHub == null) {
      eventHub = new CourseEventHub(vertx, config, registry);
    }
    long cacheTimeout = config.redis().busTimeoutMillis();
    NearCache near = NearCache.of(vertx, config.nearCache(), registry);
    NearInvalidation invalidation = new NearInvalidation(vertx, near, node.nodeId(), cacheTimeout, registry);
    chatStreams = new ChatStreamRelay(vertx, config.ai().timeoutMillis() + config.busTimeoutMillis(),
        config.ai().heartbeatMillis(), registry);
    tokens = new Tokens(vertx, config.auth());
    revocations = new Revocations(vertx, tokens, config.auth().revocationChecks(), config.busTimeoutMillis(),
        REVOCATION_RESYNC_MILLIS);
    apiKeys = new ApiKeys(vertx, config.busTimeoutMillis(), REVOCATION_RESYNC_MILLIS);
    return invalidation.serve()
        .compose(serving -> chatStreams.start())
        .compose(relay -> revocations.start())
        .compose(loaded -> apiKeys.start())
        .compose(relay -> vertx.executeBlocking(BusSchemas::load))
        .compose(busSchemas -> WebApp.load(vertx).compose(webApp -> vertx.executeBlocking(HttpVerticle::readOpenApi)
        .compose(openApi -> ContractValidation.load(vertx, openApi).compose(contract -> {
          server = vertx.createHttpServer(new HttpServerOptions()
              .setHost(config.http().host())
              .setPort(config.http().port())
              .setCompressionSupported(true)
              // No h2c upgrade: nginx and Prometheus speak HTTP/1.1 to nodes, and clients that try
              // the upgrade (the JDK's, curl's) fail on a large first response that follows the 101.
              .setHttp2ClearTextEnabled(false)
              // The request line (method, URL, version) and the whole header block.
              .setMaxInitialLineLength(config.http().maxUrlLength())
              .setMaxHeaderSize(config.http().maxHeaderBytes())
              .setIdleTimeout(120))
              .invalidRequestHandler(new InvalidRequests(config.http().maxUrlLength(), config.http().maxHeaderBytes()));
          router = router(openApi, busSchemas, webApp, contract, near, invalidation);
          return server.connectionHandler(slowClients.connections(vertx)).requestHandler(router).listen();
        }))));
  }

  /** The route table: every route and, in order, the handlers a request meets on it. */
  private Router router(Buffer openApi, Map<String, Buffer> busSchemas, WebApp webApp, ContractValidation contract,
                        NearCache near, NearInvalidation invalidation) {
    long busTimeout = config.busTimeoutMillis();
    long cacheTimeout = config.redis().busTimeoutMillis();
    Cursors cursors = new Cursors(config.auth().jwtSecret());
    CacheAside cache = new CacheAside(vertx, near, invalidation, cacheTimeout);
    vertx.setPeriodic(1_000, tick -> cache.retryPendingInvalidations());
    Access access = new Access(vertx, cache, busTimeout, config.cacheTtls());
    LoginThrottle throttle = new LoginThrottle(vertx, config.rateLimits().enabled(), config.loginLimits(), cacheTimeout);
    RateLimiter limits = new RateLimiter(vertx, config.rateLimits(), cacheTimeout, registry);
    CacheRoutes caches = new CacheRoutes(vertx, invalidation, busTimeout);
    PasswordHasher hasher = new PasswordHasher(vertx, config.auth());
    AuthRoutes auth = new AuthRoutes(vertx, hasher, tokens, cache, throttle,
        revocations, busTimeout, config.cacheTtls().profileSeconds());
    AccountRoutes account = new AccountRoutes(vertx, hasher, cache, revocations, busTimeout);
    AdminUserRoutes adminUsers = new AdminUserRoutes(vertx, cache, cursors, revocations, busTimeout);
    CourseRoutes courses = new CourseRoutes(vertx, cache, access, cursors, busTimeout);
    EnrollmentRoutes enrollments = new EnrollmentRoutes(vertx, cache, access, cursors, busTimeout);
    JobRoutes jobs = new JobRoutes(vertx, busTimeout);
    AssignmentRoutes assignments = new AssignmentRoutes(vertx, cache, access, cursors, jobs, busTimeout,
        config.cacheTtls().assignmentSeconds());
    QuestionRoutes questions = new QuestionRoutes(vertx, cache, access, busTimeout, config.cacheTtls().assignmentSeconds());
    AiRoutes ai = new AiRoutes(vertx, config.ai().timeoutMillis() + busTimeout, chatStreams);
    OpenAiRoutes openAi = new OpenAiRoutes(vertx, config.ai().timeoutMillis() + busTimeout, chatStreams);
    GatewayAuth gateway = new GatewayAuth(tokens, revocations, apiKeys, registry);
    ApiKeyRoutes keys = new ApiKeyRoutes(vertx, apiKeys, busTimeout);
    AiJobRoutes aiJobs = new AiJobRoutes(jobs);
    AiUsageRoutes aiUsage = new AiUsageRoutes(vertx, busTimeout);
    AnswerRoutes answers = new AnswerRoutes(vertx, busTimeout);
    ProgressRoutes progress = new ProgressRoutes(vertx, cache, busTimeout, cacheTimeout,
        config.cacheTtls().progressSeconds());
    GradebookRoutes gradebook = new GradebookRoutes(vertx, access, cursors, busTimeout);
    RosterRoutes roster = new RosterRoutes(vertx, access, jobs);
    ExportRoutes exports = new ExportRoutes(vertx, access, jobs, busTimeout);
    EventRoutes events = new EventRoutes(access, eventHub);
    WebhookRoutes webhooks = new WebhookRoutes(vertx, busTimeout, config.events().webhookAllowPrivate());
    OpsRoutes ops = new OpsRoutes(vertx, node, openApi, busSchemas);
    BodyHandler body = BodyHandler.create(false).setBodyLimit(config.http().bodyLimitBytes());
    BodyHandler aiBody = BodyHandler.create(false).setBodyLimit(config.http().aiBodyLimitBytes());
    BodyHandler rosterBody = BodyHandler.create(false).setBodyLimit(RosterRoutes.MAX_BODY_BYTES);
    FailureHandler failures = new FailureHandler(5);
    OpenAiFailures openAiFailures = new OpenAiFailures(failures);

    Router router = Router.router(vertx);
    router.route().handler(slowClients.requests());
    router.route().handler(new RequestLog(config.http().accessLog()));
    // Every AI reply says how long the gateway took besides the upstream: timed from here.
    router.route("/v1/*").handler(Overhead.MARK);
    router.route("/api/v1/ai/chat").handler(Overhead.MARK);
    router.route("/api/v1/*").handler(new ClientAddress(config.rateLimits().trustedProxies()));
    if (!config.http().corsOrigins().isEmpty()) {
      // Before the rate budgets and the token check: a preflight carries neither a token nor a body.
      router.route("/api/v1/*").handler(new Cors(config.http().corsOrigins()));
    }

    router.get("/health").handler(ops::health);
    router.get("/health/ready").handler(ops::ready);
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    router.get("/openapi.yaml").handler(ops::openApi);
    router.get("/event-bus/schemas/:file").handler(ops::busSchema);
    // The API reference: Swagger UI from its webjar, rendering /openapi.yaml. All from the jar.
    router.get("/docs/swagger-ui/*").handler(StaticHandler.create(SWAGGER_UI));
    router.get("/docs/*").handler(StaticHandler.create("api-reference"));
    // The web app (docs/web-app.md): its page, and its files under /app/assets/<version>/, from the jar.
    router.get("/").handler(WebApp::home);
    router.get("/app/assets/*").handler(webApp::asset);
    router.get("/app/*").handler(webApp::page);
    if (devMail != null) {
      router.get("/dev/mail").handler(new DevMailRoutes(vertx, devMail)::list);
    }

    // Each API route: its rate budgets (before the body is read), its body handler, the contract's
    // check of its operation, then the route.
    router.post("/api/v1/auth/register").handler(limits.address()).handler(body)
        .handler(contract.operation("registerUser")).handler(auth::register);
    router.post("/api/v1/auth/login").handler(limits.address()).handler(body)
        .handler(contract.operation("login")).handler(auth::login);
    router.post("/api/v1/auth/refresh").handler(limits.address()).handler(body)
        .handler(contract.operation("refreshToken")).handler(auth::refresh);
    router.post("/api/v1/auth/password-reset").handler(limits.address()).handler(body)
        .handler(contract.operation("requestPasswordReset")).handler(account::requestReset);
    router.post("/api/v1/auth/password-reset/confirm").handler(limits.address()).handler(body)
        .handler(contract.operation("confirmPasswordReset")).handler(account::confirmReset);

    // The OpenAI-compatible surface: an API key or an access token, OpenAI's error shape, the same
    // rate budgets and the same gateway (the ai role) as /api/v1/ai/chat.
    router.route("/v1/*").handler(gateway.handler());
    router.post("/v1/chat/completions").handler(limits.aiChat()).handler(aiBody)
        .handler(contract.operation("createChatCompletion")).handler(openAi::chatCompletions);
    router.get("/v1/models").handler(limits.user()).handler(contract.operation("listModels")).handler(openAi::models);
    router.route("/v1/*").failureHandler(openAiFailures);

    // Four routes: Vert.x Web allows no plain handler before an authentication handler on one route.
    // Every route below needs a valid access token, not revoked (checked from memory: Revocations).
    router.route("/api/v1/*").handler(Tokens::requireWellFormed);
    router.route("/api/v1/*").handler(JWTAuthHandler.create(tokens.provider()));
    router.route("/api/v1/*").handler(tokens::requireWellFormedClaims);
    router.route("/api/v1/*").handler(revocations::check);
    router.post("/api/v1/auth/logout").handler(limits.user()).handler(body)
        .handler(contract.operation("logout")).handler(auth::logout);
    router.get("/api/v1/me").handler(limits.user()).handler(contract.operation("getMe")).handler(auth::me);
    router.post("/api/v1/admin/users").handler(limits.user()).handler(body)
        .handler(contract.operation("createUser")).handler(auth::createUser);
    router.post("/api/v1/courses").handler(limits.user()).handler(body)
        .handler(contract.operation("createCourse")).handler(courses::create);
    router.get("/api/v1/courses").handler(limits.user()).handler(contract.operation("listCourses"))
        .handler(courses::list);
    router.get("/api/v1/courses/:courseId").handler(limits.user()).handler(contract.operation("getCourse"))
        .handler(courses::get);
    router.patch("/api/v1/courses/:courseId").handler(limits.user()).handler(body)
        .handler(contract.operation("updateCourse")).handler(courses::update);
    router.post("/api/v1/courses/:courseId/enrollments").handler(limits.classAction()).handler(body)
        .handler(contract.operation("enrollStudent")).handler(enrollments::enroll);
    // One class action however many rows: enrolling a class is one act of its teacher.
    router.post("/api/v1/courses/:courseId/roster").handler(limits.classAction()).handler(rosterBody)
        .handler(contract.operation("importRoster")).handler(roster::importRoster);
    router.get("/api/v1/courses/:courseId/students").handler(limits.user())
        .handler(contract.operation("listCourseStudents")).handler(enrollments::students);
    router.get("/api/v1/me/courses").handler(limits.user()).handler(contract.operation("listMyCourses"))
        .handler(courses::mine);
    router.delete("/api/v1/courses/:courseId").handler(limits.user())
        .handler(contract.operation("deleteCourse")).handler(courses::delete);
    router.delete("/api/v1/courses/:courseId/enrollments/:studentId").handler(limits.classAction())
        .handler(contract.operation("unenrollStudent")).handler(enrollments::unenroll);
    router.post("/api/v1/courses/:courseId/assignments").handler(limits.classAction()).handler(body)
        .handler(contract.operation("createAssignment")).handler(assignments::create);
    router.post("/api/v1/assignment-copies").handler(limits.classAction()).handler(body)
        .handler(contract.operation("copyAssignment")).handler(assignments::copy);
    router.get("/api/v1/courses/:courseId/assignments").handler(limits.user())
        .handler(contract.operation("listAssignments")).handler(assignments::list);
    router.get("/api/v1/assignments/:assignmentId").handler(limits.user())
        .handler(contract.operation("getAssignment")).handler(assignments::get);
    router.patch("/api/v1/assignments/:assignmentId").handler(limits.user()).handler(body)
        .handler(contract.operation("updateAssignment")).handler(assignments::update);
    router.delete("/api/v1/assignments/:assignmentId").handler(limits.user())
        .handler(contract.operation("deleteAssignment")).handler(assignments::delete);
    router.get("/api/v1/assignments/:assignmentId/students/:studentId/answers").handler(limits.user())
        .handler(contract.operation("listStudentAnswers")).handler(assignments::studentAnswers);
    router.patch("/api/v1/assignments/:assignmentId/questions/:questionId").handler(limits.classAction()).handler(body)
        .handler(contract.operation("updateQuestion")).handler(questions::update);
    router.post("/api/v1/assignments/:assignmentId/answers").handler(limits.user()).handler(body)
        .handler(contract.operation("submitAnswer")).handler(answers::submit);
    router.get("/api/v1/assignments/:assignmentId/stats").handler(limits.user())
        .handler(contract.operation("getAssignmentStats")).handler(answers::stats);
    router.get("/api/v1/me/progress").handler(limits.user()).handler(contract.operation("getMyProgress"))
        .handler(progress::mine);
    router.get("/api/v1/courses/:courseId/students/:studentId/progress").handler(limits.user())
        .handler(contract.operation("getStudentProgress")).handler(progress::student);
    router.get("/api/v1/courses/:courseId/gradebook").handler(limits.user())
        .handler(contract.operation("getGradebook")).handler(gradebook::gradebook);
    router.get("/api/v1/courses/:courseId/events").handler(limits.user())
        .handler(contract.operation("streamCourseEvents")).handler(events::stream);
    router.post("/api/v1/courses/:courseId/exports").handler(limits.user()).handler(body)
        .handler(contract.operation("createExport")).handler(exports::create);
    router.get("/api/v1/exports/:jobId").handler(limits.user()).handler(contract.operation("downloadExport"))
        .handler(exports::download);
    router.post("/api/v1/ai/chat").handler(limits.aiChat()).handler(aiBody)
        .handler(contract.operation("aiChat")).handler(ai::chat);
    router.post("/api/v1/ai/questions").handler(limits.aiGeneration()).handler(aiBody)
        .handler(contract.operation("generateQuestions")).handler(aiJobs::questions);
    router.post("/api/v1/ai/lesson-plans").handler(limits.aiGeneration()).handler(aiBody)
        .handler(contract.operation("createLessonPlan")).handler(aiJobs::lessonPlan);
    router.get("/api/v1/jobs/:jobId").handler(limits.user()).handler(contract.operation("getJob"))
        .handler(jobs::get);
    router.get("/api/v1/admin/cluster").handler(limits.user()).handler(contract.operation("getCluster"))
        .handler(ops::cluster);
    router.get("/api/v1/admin/health").handler(limits.user()).handler(contract.operation("getDetailedHealth"))
        .handler(ops::detailedHealth);
    router.post("/api/v1/admin/cache/clear").handler(limits.user()).handler(body)
        .handler(contract.operation("clearCache")).handler(caches::clear);
    router.patch("/api/v1/me").handler(limits.user()).handler(body)
        .handler(contract.operation("updateMe")).handler(account::update);
    router.post("/api/v1/me/password").handler(limits.user()).handler(body)
        .handler(contract.operation("changePassword")).handler(account::changePassword);
    router.get("/api/v1/admin/users").handler(limits.user()).handler(contract.operation("listUsers"))
        .handler(adminUsers::list);
    router.patch("/api/v1/admin/users/:userId").handler(limits.user()).handler(body)
        .handler(contract.operation("updateUser")).handler(adminUsers::update);
    router.delete("/api/v1/admin/users/:userId").handler(limits.user()).handler(contract.operation("eraseUser"))
        .handler(adminUsers::erase);
    router.post("/api/v1/me/api-keys").handler(limits.user()).handler(body)
        .handler(contract.operation("createApiKey")).handler(keys::create);
    router.get("/api/v1/me/api-keys").handler(limits.user()).handler(contract.operation("listApiKeys"))
        .handler(keys::list);
    router.delete("/api/v1/me/api-keys/:keyId").handler(limits.user()).handler(contract.operation("deleteApiKey"))
        .handler(keys::delete);
    router.get("/api/v1/admin/ai/usage").handler(limits.user()).handler(contract.operation("getAiUsage"))
        .handler(aiUsage::report);
    router.post("/api/v1/admin/webhooks").handler(limits.user()).handler(body)
        .handler(contract.operation("createWebhook")).handler(webhooks::create);
    router.get("/api/v1/admin/webhooks").handler(limits.user()).handler(contract.operation("listWebhooks"))
        .handler(webhooks::list);
    router.delete("/api/v1/admin/webhooks/:webhookId").handler(limits.user())
        .handler(contract.operation("deleteWebhook")).handler(webhooks::delete);
    // An authenticated request that matches no route above still spends its budgets before its 404 or 405.
    router.route("/api/v1/*").handler(limits.user());

    router.route().failureHandler(failures);
    AllowedMethods allowed = new AllowedMethods(router.getRoutes());
    router.errorHandler(404, ctx -> notFoundOrNotAllowed(ctx, allowed));
    router.errorHandler(405, ctx -> notFoundOrNotAllowed(ctx, allowed));
    return router;
  }

  private static void notFoundOrNotAllowed(RoutingContext ctx, AllowedMethods allowed) {
    List<String> methods = allowed.on(ctx.request().path());
    boolean openAi = ctx.request().path().startsWith("/v1/");
    if (methods.isEmpty()) {
      ProblemException missing = new ProblemException(404, "no such resource");
      if (openAi) {
        OpenAiFailures.write(ctx, missing);
      } else {
        FailureHandler.write(ctx, missing);
      }
      return;
    }
    ctx.response().putHeader(HttpHeaders.ALLOW, String.join(", ", methods));
    ProblemException wrong = new ProblemException(405, "this resource allows " + String.join(", ", methods));
    if (openAi) {
      OpenAiFailures.write(ctx, wrong);
    } else {
      FailureHandler.write(ctx, wrong);
    }
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

  /** The route table once started; RouteCoverageTest holds it against openapi.yaml. */
  List<Route> routes() {
    return router.getRoutes();
  }

  /**
   * Graceful: the port closes at once, every connection closes after its current response (idle
   * keep-alive ones at once), and whatever is still open after the shutdown limit is cut.
   */
  @Override
  public Future<?> stop() {
    // Event streams never end by themselves: they end now, so that the drain does not wait for them.
    if (eventHub != null) {
      eventHub.endAll();
    }
    Future<Void> drained = server == null ? Future.succeededFuture()
        : server.shutdown(config.shutdown().timeoutMillis(), TimeUnit.MILLISECONDS);
    // Streams still open after the drain are cut; the ai role hears the cancel.
    return drained.compose(v -> chatStreams == null ? Future.succeededFuture() : chatStreams.stop());
  }
}
