package io.learngrid.persistence;

import io.learngrid.config.LearngridConfig;
import io.learngrid.jobs.JobFailure;
import io.learngrid.jobs.JobHandler;
import io.learngrid.jobs.RunningJob;
import io.learngrid.security.PublicAddresses;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@code webhook} jobs: one signed POST of one event to one webhook. 2xx delivers it; anything
 * else (another status, no connection, the time limit, a URL that now resolves to a private
 * address) is retried with the kind's backoff until {@code LEARNGRID_WEBHOOK_RETRY_WINDOW_MS} has
 * passed since the event, then the webhook is disabled with the reason, and its other queued
 * deliveries are dropped as they come up. A deleted or disabled webhook's delivery is dropped.
 *
 * <p>At least once: a node that dies after the POST and before the outcome is stored sends it again
 * on the next attempt; receivers dedupe by the event's {@code id}. The host is resolved and checked
 * here, before each attempt, and the connection goes to the address that was checked (a DNS answer
 * that changes between the check and the connect cannot redirect it). Redirects are not followed;
 * the response's body is not read.
 */
final class WebhookDeliveries implements JobHandler {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookDeliveries.class);
  static final String SIGNATURE = "Learngrid-Signature";
  private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");
  private static final CharSequence USER_AGENT = HttpHeaders.createOptimized("learngrid-webhooks/1");

  private static final String WEBHOOK = "SELECT url, secret, disabled_at FROM webhooks WHERE id = $1";
  private static final String DISABLE = """
      UPDATE webhooks SET disabled_at = now(), disabled_reason = $2 WHERE id = $1 AND disabled_at IS NULL""";

  private final Vertx vertx;
  private final Pool pool;
  private final LearngridConfig.Events settings;
  private final HttpClient client;
  private final MeterRegistry registry;
  private final Map<String, Counter> outcomes = new ConcurrentHashMap<>();
  private final Timer lag;

  WebhookDeliveries(Vertx vertx, Pool pool, LearngridConfig.Events settings, MeterRegistry registry) {
    this.vertx = vertx;
    this.pool = pool;
    this.settings = settings;
    this.registry = registry;
    int timeout = (int) settings.webhookTimeoutMillis();
    this.client = vertx.createHttpClient(new HttpClientOptions()
        .setConnectTimeout(timeout)
        .setIdleTimeout(timeout)
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        .setKeepAlive(false)
        .setMaxRedirects(0)
        .setVerifyHost(true)
        .setForceSni(true), new PoolOptions().setHttp1MaxSize(64));
    this.lag = Timer.builder("learngrid.webhook.delivery.lag")
        .description("Time from an event to its delivery's 2xx (the outbox's lag, retries included)")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofHours(24))
        .register(registry);
  }

  @Override
  public Future<JsonObject> run(RunningJob job) {
    JsonObject input = job.input();
    JsonObject event = input.getJsonObject("event");
    UUID webhookId = Rows.id(input.getString("webhookId"), "webhook");
    return pool.preparedQuery(WEBHOOK).execute(Tuple.of(webhookId)).compose(rows -> {
      if (rows.size() == 0) {
        count("dropped");
        return Future.succeededFuture(new JsonObject().put("dropped", "the webhook was deleted"));
      }
      Row webhook = rows.iterator().next();
      if (webhook.getOffsetDateTime("disabled_at") != null) {
        count("dropped");
        return Future.succeededFuture(new JsonObject().put("dropped", "the webhook is disabled"));
      }
      return deliver(webhook.getString("url"), webhook.getString("secret"), event)
          .map(status -> {
            count("delivered");
            Instant occurred = occurredAt(event);
            if (occurred != null) {
              lag.record(Math.max(0, Duration.between(occurred, Instant.now()).toMillis()), TimeUnit.MILLISECONDS);
            }
            return new JsonObject().put("status", status);
          })
          .recover(failure -> failed(webhookId, event, failure));
    });
  }

  /** Another attempt while the window lasts; after it, the webhook is disabled with this reason. */
  private Future<JsonObject> failed(UUID webhookId, JsonObject event, Throwable failure) {
    String reason = failure instanceof JobFailure ? failure.getMessage()
        : "the delivery failed: " + failure.getClass().getSimpleName()
            + (failure.getMessage() == null ? "" : ": " + failure.getMessage());
    Instant occurred = occurredAt(event);
    boolean expired = occurred == null
        || Instant.now().isAfter(occurred.plusMillis(settings.webhookRetryWindowMillis()));
    if (!expired) {
      count("retried");
      return Future.failedFuture(new JobFailure(reason, true));
    }
    count("failed");
    String disabled = "deliveries failed for " + Duration.ofMillis(settings.webhookRetryWindowMillis()).toMinutes()
        + " minutes; the last: " + reason;
    return pool.preparedQuery(DISABLE).execute(Tuple.of(webhookId, disabled.length() > 1_000
            ? disabled.substring(0, 1_000) : disabled))
        .compose(updated -> {
          if (updated.rowCount() > 0) {
            LOG.warn("webhook " + webhookId + " disabled: " + disabled);
          }
          return Future.failedFuture(new JobFailure(reason, false));
        });
  }

  private static Instant occurredAt(JsonObject event) {
    try {
      return Instant.parse(event.getString("occurredAt"));
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** The signed POST; succeeds with the status for a 2xx. */
  private Future<Integer> deliver(String url, String secret, JsonObject event) {
    URI uri = URI.create(url);
    boolean tls = "https".equalsIgnoreCase(uri.getScheme());
    int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
    String host = uri.getHost();
    String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    Buffer body = new JsonObject().put("id", event.getString("id")).put("type", event.getString("type"))
        .put("occurredAt", event.getString("occurredAt")).put("data", event.getJsonObject("data")).toBuffer();
    long t = Instant.now().getEpochSecond();
    String signature = "t=" + t + ",v1=" + sign(secret, t, body);
    return vertx.<InetAddress>executeBlocking(() -> {
          try {
            return PublicAddresses.resolve(host, settings.webhookAllowPrivate());
          } catch (IllegalArgumentException e) {
            count("refused");
            throw new JobFailure("refused: " + e.getMessage(), true);
          } catch (java.net.UnknownHostException e) {
            throw new JobFailure(host + " does not resolve", true);
          }
        }, false)
        .compose(address -> client.request(new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress()))
            .setHost(host)
            .setPort(port)
            .setSsl(tls)
            .setURI(path)
            .setFollowRedirects(false)
            .setTimeout(settings.webhookTimeoutMillis())
            .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
            .putHeader(HttpHeaders.USER_AGENT, USER_AGENT)
            .putHeader(SIGNATURE, signature)))
        .compose(request -> request.send(body).compose(response -> {
          int status = response.statusCode();
          // The body is not read: a receiver's reply is not ours to buffer.
          request.reset();
          return status >= 200 && status < 300 ? Future.succeededFuture(status)
              : Future.failedFuture(new JobFailure("the receiver answered " + status, true));
        }));
  }

  /** Hex HMAC-SHA256 of {@code "<t>.<body>"} under the webhook's secret. */
  static String sign(String secret, long t, Buffer body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((t + ".").getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(mac.doFinal(body.getBytes()));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }

  private void count(String outcome) {
    outcomes.computeIfAbsent(outcome, key -> Counter.builder("learngrid.webhook.deliveries")
        .description("Webhook delivery attempts by outcome: delivered, retried, failed (the webhook was disabled), "
            + "refused (a non-public address; also counted as retried or failed), dropped (webhook deleted or disabled)")
        .tag("outcome", key).register(registry)).increment();
  }
}
