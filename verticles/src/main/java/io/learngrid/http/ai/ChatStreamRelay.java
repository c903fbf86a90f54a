package io.learngrid.http.ai;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.learngrid.bus.BusClient;
import io.learngrid.bus.Micros;
import io.learngrid.bus.ai.ChatMessage;
import io.learngrid.bus.ai.ChatStreamAccepted;
import io.learngrid.bus.ai.ChatStreamControl;
import io.learngrid.bus.ai.ChatStreamEvent;
import io.learngrid.bus.ai.ChatStreamStart;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Streamed chats, http side of the stream protocol (docs/event-bus.md): one event address per http
 * verticle instance, one {@link Stream} per SSE response. Deltas become {@code data: {"delta": …}}
 * events; credits go back to the ai role only as the client's socket takes what was written, so a
 * slow reader slows the upstream read instead of filling memory. A client that goes away cancels the
 * stream (and with it the upstream request); an ai role silent for three heartbeats ends it.
 */
public final class ChatStreamRelay {

  /** Deltas the ai role may send ahead of the client; half of it is granted back at a time. */
  static final int WINDOW = 32;
  private static final CharSequence EVENT_STREAM = HttpHeaders.createOptimized("text/event-stream");
  private static final CharSequence NO_CACHE = HttpHeaders.createOptimized("no-cache");
  private static final CharSequence IDENTITY = HttpHeaders.createOptimized("identity");
  private static final Buffer PING = Buffer.buffer(": ping\n\n");
  private static final byte[] DELTA_START = "data: {\"delta\":\"".getBytes(StandardCharsets.UTF_8);
  private static final byte[] DELTA_END = "\"}\n\n".getBytes(StandardCharsets.UTF_8);

  private final Vertx vertx;
  private final BusClient ai;
  private final long heartbeatMillis;
  private final String eventAddress = "learngrid.ai.events." + UUID.randomUUID();
  private final Map<String, Stream> streams = new HashMap<>();
  private final Timer relay;
  private MessageConsumer<JsonObject> events;
  private long watchdog;

  public ChatStreamRelay(Vertx vertx, long startTimeoutMillis, long heartbeatMillis, MeterRegistry registry) {
    // What the gateway adds to each token, as operators see it; on one node it is exact, across
    // nodes it also holds the difference of their clocks.
    this.relay = Timer.builder("learngrid.ai.stream.relay")
        .description("Time from the ai role reading a streamed token from the upstream to the http role writing it to the client")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofNanos(100_000))
        .maximumExpectedValue(Duration.ofSeconds(10))
        .register(registry);
    this.vertx = vertx;
    this.ai = new BusClient(vertx, startTimeoutMillis);
    this.heartbeatMillis = heartbeatMillis;
  }

  /** Registers the event address (cluster-wide, so it completes asynchronously) and the watchdog. */
  public Future<Void> start() {
    events = vertx.eventBus().consumer(eventAddress, message -> {
      ChatStreamEvent event;
      try {
        event = ChatStreamEvent.fromJson(message.body());
      } catch (RuntimeException e) {
        return;
      }
      // Events of a stream whose client has gone are dropped; the ai role has been told to cancel it.
      Stream stream = streams.get(event.streamId());
      if (stream != null) {
        stream.event(event);
      }
    });
    watchdog = vertx.setPeriodic(Math.max(50, heartbeatMillis / 2),
        id -> Map.copyOf(streams).values().forEach(Stream::watch));
    return events.completion();
  }

  public Future<Void> stop() {
    vertx.cancelTimer(watchdog);
    Map.copyOf(streams).values().forEach(Stream::clientGone);
    return events == null ? Future.succeededFuture() : events.unregister();
  }

  void stream(RoutingContext ctx, String userId, String model, List<ChatMessage> messages) {
    stream(ctx, userId, model, messages, null, 0, null, StreamFormat.LEARNGRID);
  }

  /** A stream of either surface: {@code format} writes its events; the rest as {@link ChatStreamStart}. */
  void stream(RoutingContext ctx, String userId, String model, List<ChatMessage> messages, String apiKeyId,
              long keyDailyTokens, JsonObject options, StreamFormat format) {
    String streamId = UUID.randomUUID().toString();
    Stream stream = new Stream(ctx, streamId, format);
    streams.put(streamId, stream);
    ctx.response().closeHandler(v -> stream.clientGone());
    ai.request(ChatStreamStart.ENDPOINT, new ChatStreamStart(streamId, eventAddress, WINDOW, userId, model, messages,
            apiKeyId, keyDailyTokens, options))
        .onComplete(stream::accepted, failure -> {
          streams.remove(streamId);
          ctx.fail(failure);
        });
  }

  /**
   * {@code data: {"delta": text}}, the same bytes as JsonObject.encode() gives, written by hand:
   * there is one per token, and the mapper's set-up for each cost more than the write.
   */
  static Buffer deltaEvent(String text) {
    byte[] quoted = JsonStringEncoder.getInstance().quoteAsUTF8(text);
    return Buffer.buffer(DELTA_START.length + quoted.length + DELTA_END.length)
        .appendBytes(DELTA_START).appendBytes(quoted).appendBytes(DELTA_END);
  }

  private final class Stream {

    private final RoutingContext ctx;
    private final HttpServerResponse response;
    private final String streamId;
    private final StreamFormat format;
    private StreamFormat.Writer writer;
    private long upstreamMicros;
    private String controlAddress;
    private int taken;
    private boolean waitingForDrain;
    private boolean finished;
    private long lastHeardMillis = System.currentTimeMillis();

    Stream(RoutingContext ctx, String streamId, StreamFormat format) {
      this.ctx = ctx;
      this.response = ctx.response();
      this.streamId = streamId;
      this.format = format;
    }

    void accepted(ChatStreamAccepted accepted) {
      controlAddress = accepted.controlAddress();
      upstreamMicros = accepted.upstreamMicros();
      writer = format.open(accepted.model());
      if (finished) {
        // The client left while the upstream was being reached: now we know whom to tell.
        control(ChatStreamControl.cancel(streamId));
        return;
      }
      head();
      grant();
    }

    void event(ChatStreamEvent event) {
      lastHeardMillis = System.currentTimeMillis();
      if (finished) {
        return;
      }
      if (writer == null) {
        // An event ahead of the acceptance (not seen in practice: both travel the same connection).
        writer = format.open("");
      }
      head();
      switch (event.type()) {
        case ChatStreamEvent.DELTA -> {
          response.write(writer.delta(event.delta()));
          if (event.readAt() > 0) {
            relay.record(Math.max(0, Micros.now() - event.readAt()), TimeUnit.MICROSECONDS);
          }
          taken++;
          grant();
        }
        case ChatStreamEvent.PING -> {
          response.write(PING);
          // The answer to a ping: this side is alive, even while its client is slow to read.
          if (controlAddress != null) {
            control(ChatStreamControl.credit(streamId, 0));
          }
          grant();
        }
        case ChatStreamEvent.DONE -> {
          finished = true;
          streams.remove(streamId);
          response.end(writer.done(event.usage(), event.detail()));
        }
        default -> abort();
      }
    }

    /** Credits back once the client has taken half a window and its socket is not backed up. */
    private void grant() {
      if (controlAddress == null || waitingForDrain || taken < WINDOW / 2) {
        return;
      }
      if (response.writeQueueFull()) {
        waitingForDrain = true;
        response.drainHandler(v -> {
          response.drainHandler(null);
          waitingForDrain = false;
          grant();
        });
        return;
      }
      control(ChatStreamControl.credit(streamId, taken));
      taken = 0;
    }

    void watch() {
      if (!finished && System.currentTimeMillis() - lastHeardMillis > 3 * heartbeatMillis && controlAddress != null) {
        control(ChatStreamControl.cancel(streamId));
        abort();
      }
    }

    void clientGone() {
      if (finished) {
        return;
      }
      finished = true;
      streams.remove(streamId);
      if (controlAddress != null) {
        control(ChatStreamControl.cancel(streamId));
      }
    }

    /** A stream that cannot end with its done event ends without it: the client sees it cut short. */
    private void abort() {
      finished = true;
      streams.remove(streamId);
      response.reset();
    }

    private void head() {
      if (!response.headWritten()) {
        Overhead.put(ctx, upstreamMicros);
        response.setChunked(true)
            .putHeader(HttpHeaders.CONTENT_TYPE, EVENT_STREAM)
            .putHeader(HttpHeaders.CACHE_CONTROL, NO_CACHE)
            // Streams must not wait in a compressor's or a proxy's buffer.
            .putHeader(HttpHeaders.CONTENT_ENCODING, IDENTITY)
            .putHeader("X-Accel-Buffering", "no")
            .setStatusCode(200);
        response.writeHead();
        Buffer first = writer.head();
        if (first != null) {
          response.write(first);
        }
      }
    }

    private void control(ChatStreamControl command) {
      vertx.eventBus().send(controlAddress, command.toJson());
    }
  }
}
