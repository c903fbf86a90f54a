package io.learngrid.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.CapturedLogs;
import io.learngrid.support.Eventually;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

@DisplayName("The http role's log lines of a request")
class FailureLogTest {

  private final Vertx vertx = Vertx.vertx();
  /** The MDC's request id as each handler saw it: before RequestLog, in the route's handler. */
  private final List<String> beforeRequestLog = new CopyOnWriteArrayList<>();
  private final List<String> inHandler = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  /** RequestLog and FailureHandler as HttpVerticle installs them, around a handler that fails unexpectedly. */
  private WebClient start() throws Exception {
    Router router = Router.router(vertx);
    router.route().handler(ctx -> {
      beforeRequestLog.add(String.valueOf(MDC.get("requestId")));
      ctx.next();
    });
    router.route().handler(new RequestLog(true));
    router.get("/boom").handler(ctx -> {
      inHandler.add(String.valueOf(MDC.get("requestId")));
      String absent = ctx.queryParams().get("absent");
      ctx.json(Map.of("length", absent.length()));
    });
    router.get("/ok").handler(ctx -> {
      inHandler.add(String.valueOf(MDC.get("requestId")));
      ctx.end("ok");
    });
    router.route().failureHandler(new FailureHandler(5));
    // Listening from outside Vert.x: one event loop serves every request, so a leaked MDC would show.
    HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .await(10, TimeUnit.SECONDS);
    return WebClient.create(vertx, new io.vertx.ext.web.client.WebClientOptions()
        .setDefaultHost("127.0.0.1").setDefaultPort(server.actualPort()));
  }

  private static HttpResponse<Buffer> get(WebClient client, String path, String requestId) throws Exception {
    return client.get(path).putHeader("X-Request-Id", requestId).send().await(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("an unexpected exception is logged with its stack trace and the request id; the client sees neither")
  void failureLoggedWithStackTraceAndRequestId() throws Exception {
    WebClient client = start();
    try (CapturedLogs failures = CapturedLogs.of(FailureHandler.class)) {
      HttpResponse<Buffer> reply = get(client, "/boom", "req-42");

      assertThat(reply.statusCode()).isEqualTo(500);
      assertThat(reply.getHeader("X-Request-Id")).isEqualTo("req-42");
      assertThat(reply.bodyAsString()).doesNotContain("NullPointerException").doesNotContain("FailureLogTest");
      // Logged before the response was written, so it is there by now.
      assertThat(failures.events()).singleElement().satisfies(event -> {
        assertThat(event.getFormattedMessage()).startsWith("request req-42 GET /boom failed");
        assertThat(event.getMDCPropertyMap()).containsEntry("requestId", "req-42");
        assertThat(event.getThrowableProxy()).as("the exception travels with the log event").isNotNull();
        assertThat(event.getThrowableProxy().getClassName()).isEqualTo(NullPointerException.class.getName());
        assertThat(event.getThrowableProxy().getStackTraceElementProxyArray())
            .anySatisfy(frame -> assertThat(frame.getSTEAsString()).contains(FailureLogTest.class.getName()));
      });
    }
  }

  @Test
  @DisplayName("the handlers' synchronous work and the access line carry the request id, and it ends with the request")
  void requestIdInTheMdc() throws Exception {
    WebClient client = start();
    try (CapturedLogs access = CapturedLogs.of("learngrid.access")) {
      assertThat(get(client, "/ok", "req-1").statusCode()).isEqualTo(200);
      assertThat(get(client, "/ok", "req-2").statusCode()).isEqualTo(200);

      assertThat(inHandler).containsExactly("req-1", "req-2");
      assertThat(beforeRequestLog).as("no id left behind on the event loop").containsExactly("null", "null");
      // The access line is written once the response has ended, which may be just after the client read it.
      Eventually.within(10, () -> access.events().size() == 2);
      assertThat(access.events()).allSatisfy(event -> assertThat(event.getMDCPropertyMap().get("requestId"))
          .isNotNull().satisfies(id -> assertThat(event.getFormattedMessage()).endsWith("id=" + id)));
    }
  }
}
