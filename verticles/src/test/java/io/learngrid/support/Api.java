package io.learngrid.support;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

/** A plain HTTP client for tests: real requests to a node, replies as status, headers and JSON. */
public final class Api {

  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String base;

  Api(String base) {
    this.base = base;
  }

  public record Reply(int status, HttpResponse<String> raw) {

    public JsonObject json() {
      return new JsonObject(raw.body());
    }

    public String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }

    public String body() {
      return raw.body();
    }
  }

  public Reply get(String path, String token) {
    return send(request(path, token).GET());
  }

  public Reply post(String path, String body, String token) {
    return send(request(path, token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  public Reply post(String path, JsonObject body, String token) {
    return post(path, body.encode(), token);
  }

  /** A POST with extra headers, such as {@code Idempotency-Key}. */
  public Reply post(String path, JsonObject body, String token, java.util.Map<String, String> headers) {
    HttpRequest.Builder request = request(path, token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode()));
    headers.forEach(request::header);
    return send(request);
  }

  public Reply method(String method, String path, String token) {
    return send(request(path, token).method(method, HttpRequest.BodyPublishers.noBody()));
  }

  /** Registers a fresh student and returns its email. */
  public String registerStudent(String password) {
    String email = "student-" + UUID.randomUUID() + "@test.learngrid";
    Reply reply = post("/api/v1/auth/register",
        new JsonObject().put("email", email).put("password", password).put("displayName", "Test Student"), null);
    if (reply.status() != 201) {
      throw new IllegalStateException("register failed: " + reply.status() + " " + reply.body());
    }
    return email;
  }

  public String login(String email, String password) {
    Reply reply = post("/api/v1/auth/login", new JsonObject().put("email", email).put("password", password), null);
    if (reply.status() != 200) {
      throw new IllegalStateException("login failed: " + reply.status() + " " + reply.body());
    }
    return reply.json().getString("accessToken");
  }

  public String adminToken() {
    return login(TestNode.ADMIN_EMAIL, TestNode.ADMIN_PASSWORD);
  }

  /** A new teacher account (created by the admin) and its access token. */
  public String teacherToken() {
    String email = "teacher-" + UUID.randomUUID() + "@test.learngrid";
    Reply created = post("/api/v1/admin/users", new JsonObject().put("email", email).put("password", "teacher-password")
        .put("displayName", "Test Teacher").put("role", "teacher"), adminToken());
    if (created.status() != 201) {
      throw new IllegalStateException("teacher creation failed: " + created.status() + " " + created.body());
    }
    return login(email, "teacher-password");
  }

  private HttpRequest.Builder request(String path, String token) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    return builder;
  }

  private static Reply send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(response.statusCode(), response);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
