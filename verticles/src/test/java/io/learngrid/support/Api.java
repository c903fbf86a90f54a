package io.learngrid.support;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** A plain HTTP client for tests: real requests to a node, replies as status, headers and JSON. */
public final class Api {

  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String base;
  private final HttpClient client;

  Api(String base) {
    this(base, CLIENT);
  }

  private Api(String base, HttpClient client) {
    this.base = base;
    this.client = client;
  }

  /**
   * The same node, reached from another loopback address (127.x.y.z, routed to lo on Linux), so
   * that the node sees a client of its own: per-client limits of one test do not touch another's.
   */
  public Api fromNewAddress() {
    return fromAddress(newAddress());
  }

  /** A loopback address of its own (127.x.y.z), for a client the others do not share limits with. */
  public static String newAddress() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return "127." + random.nextInt(1, 255) + "." + random.nextInt(1, 255) + "." + random.nextInt(2, 255);
  }

  /** This node, from {@code address}: two nodes' clients from one address share its limits. */
  public Api fromAddress(String address) {
    try {
      return new Api(base, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
          .localAddress(InetAddress.getByName(address)).build());
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code http://host:port} of the node. */
  public String base() {
    return base;
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

  /** A reply read as bytes, as they came (a download), with its headers. */
  public record Download(int status, java.net.http.HttpHeaders headers, byte[] body) {

    public String header(String name) {
      return headers.firstValue(name).orElse(null);
    }

    public String text() {
      return new String(body, java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  /** A GET whose body is kept as bytes (a file download), waiting up to {@code seconds} for all of it. */
  public Download download(String path, String token, int seconds) {
    try {
      HttpResponse<byte[]> response = client.send(request(path, token).timeout(Duration.ofSeconds(seconds)).GET().build(),
          HttpResponse.BodyHandlers.ofByteArray());
      return new Download(response.statusCode(), response.headers(), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public Reply post(String path, String body, String token) {
    return send(request(path, token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  public Reply post(String path, JsonObject body, String token) {
    return post(path, body.encode(), token);
  }

  public Reply post(String path, JsonObject body, String token, String idempotencyKey) {
    return send(request(path, token).header("Content-Type", "application/json").header("Idempotency-Key", idempotencyKey)
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())));
  }

  public Reply patch(String path, JsonObject body, String token) {
    return send(request(path, token).header("Content-Type", "application/json")
        .method("PATCH", HttpRequest.BodyPublishers.ofString(body.encode())));
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

  /** Any request: {@code headers} as given (none added), {@code body} null for none. */
  public Reply exchange(String method, String path, java.util.Map<String, String> headers, String body) {
    HttpRequest.Builder request = request(path, null).method(method,
        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(request::header);
    return send(request);
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
    return session(email, password).getString("accessToken");
  }

  /** The whole login reply: accessToken, refreshToken, tokenType and expiresIn. */
  public JsonObject session(String email, String password) {
    Reply reply = post("/api/v1/auth/login", new JsonObject().put("email", email).put("password", password), null);
    if (reply.status() != 200) {
      throw new IllegalStateException("login failed: " + reply.status() + " " + reply.body());
    }
    return reply.json();
  }

  public String adminToken() {
    return login(TestNode.ADMIN_EMAIL, TestNode.ADMIN_PASSWORD);
  }

  /** A new teacher account (created by the admin) and its access token. */
  public String teacherToken() {
    return account("teacher").token();
  }

  /** A logged-in account of a fresh user. */
  /** The job once it succeeded or failed (polled for up to 60 s). */
  public JsonObject finishedJob(String jobId, String token) throws InterruptedException {
    java.util.concurrent.atomic.AtomicReference<JsonObject> job = new java.util.concurrent.atomic.AtomicReference<>();
    Eventually.within(60, () -> {
      Reply reply = get("/api/v1/jobs/" + jobId, token);
      if (reply.status() != 200) {
        throw new AssertionError("GET /jobs/" + jobId + " answered " + reply.status() + ": " + reply.body());
      }
      job.set(reply.json());
      return java.util.Set.of("succeeded", "failed").contains(reply.json().getString("status"));
    });
    return job.get();
  }

  public record Account(String id, String email, String token) {}

  /** A new account with {@code role}, created by the admin, logged in. */
  public Account account(String role) {
    String email = role + "-" + UUID.randomUUID() + "@test.learngrid";
    Reply created = post("/api/v1/admin/users", new JsonObject().put("email", email).put("password", "account-password")
        .put("displayName", "Test " + role).put("role", role), adminToken());
    if (created.status() != 201) {
      throw new IllegalStateException(role + " creation failed: " + created.status() + " " + created.body());
    }
    return new Account(created.json().getString("id"), email, login(email, "account-password"));
  }

  private HttpRequest.Builder request(String path, String token) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    return builder;
  }

  private Reply send(HttpRequest.Builder request) {
    try {
      // A whole-reply deadline: the request's timeout covers the head only, and a reply whose body
      // never ends must fail the test that sent it, not hang the build.
      HttpResponse<String> response = client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
          .get(60, java.util.concurrent.TimeUnit.SECONDS);
      return new Reply(response.statusCode(), response);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new UncheckedIOException(new IOException("no whole reply within 60 s: " + request.build().uri(), e));
    } catch (java.util.concurrent.ExecutionException e) {
      throw new UncheckedIOException(e.getCause() instanceof IOException io ? io : new IOException(e.getCause()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
