package io.learngrid.simulator;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one completion as server-sent events, a token per timer tick, the way a hosted model streams.
 * Everything runs on the verticle's event loop, so the state needs no locking.
 */
final class CompletionStream {

  private static final Logger LOG = LoggerFactory.getLogger(CompletionStream.class);

  private final Vertx vertx;
  private final HttpServerResponse response;
  private final CompletionEnvelope envelope;
  private final Completion completion;
  private final List<String> tokens;
  private final long tokenMillis;
  private final Runnable onCancelled;
  private final Runnable onCompleted;
  /** Tokens after which the connection is dropped (an injected mid-stream disconnect); -1 for none. */
  private final int dropAfter;

  private int next;
  private long timerId = -1;
  /** When token 0 is due; token i is due tokenMillis * i later. */
  private long firstDueNanos;
  /** Set once the stream ended or was cancelled: from then on nothing may be written or scheduled. */
  private boolean done;

  CompletionStream(Vertx vertx, HttpServerResponse response, CompletionEnvelope envelope, Completion completion,
      long tokenMillis, Runnable onCancelled, Runnable onCompleted, int dropAfter) {
    this.vertx = vertx;
    this.response = response;
    this.envelope = envelope;
    this.completion = completion;
    this.tokens = completion.tokens();
    this.tokenMillis = tokenMillis;
    this.onCancelled = onCancelled;
    this.onCompleted = onCompleted;
    this.dropAfter = dropAfter;
  }

  /** Sends the headers now, like upstream does on accepting the request, and the first token after the delay. */
  void start(long firstTokenMillis) {
    // closeHandler fires even after a normal end when the client later drops the connection; `done` filters that.
    response.closeHandler(v -> cancel("connection closed"));
    response.exceptionHandler(error -> cancel(error.toString()));
    response.setChunked(true)
        .putHeader("Content-Type", "text/event-stream")
        .putHeader("Cache-Control", "no-cache");
    response.writeHead();
    firstDueNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(firstTokenMillis);
    scheduleNext();
  }

  /**
   * Each token is due at a fixed time from the start, not a fixed delay after the one before: a
   * late timer then does not push back every token after it, and the stream lasts what the settings
   * say even on a busy machine, which is what the proxy benchmark subtracts.
   */
  private void scheduleNext() {
    if (!done) {
      long due = firstDueNanos + TimeUnit.MILLISECONDS.toNanos(tokenMillis) * next;
      // Vert.x timers need at least 1 ms; a token already due goes out as fast as the loop allows.
      long waitMillis = Math.ceilDiv(due - System.nanoTime(), 1_000_000L);
      timerId = vertx.setTimer(Math.max(1, waitMillis), id -> tick());
    }
  }

  private void tick() {
    timerId = -1;
    if (done) {
      return;
    }
    if (response.closed()) {
      cancel("connection closed");
      return;
    }
    response.write(event(envelope.tokenChunk(tokens.get(next), next == 0).encode()));
    next++;
    if (next == dropAfter) {
      done = true;
      LOG.atDebug().log(() -> "stream dropped id=" + envelope.id() + " after " + next + " tokens (injected)");
      response.reset();
      return;
    }
    if (next < tokens.size()) {
      if (response.writeQueueFull()) {
        // A slow reader gets the next token once it has caught up, as a real server's backpressure would do.
        response.drainHandler(v -> {
          response.drainHandler(null);
          scheduleNext();
        });
      } else {
        scheduleNext();
      }
      return;
    }
    done = true;
    onCompleted.run();
    response.write(event(envelope.finalChunk(completion).encode()));
    response.end(event("[DONE]"));
    LOG.atDebug().log(() -> "stream ended id=" + envelope.id() + " tokens=" + tokens.size());
  }

  private void cancel(String reason) {
    if (done) {
      return;
    }
    done = true;
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
    onCancelled.run();
    LOG.atDebug().log(() -> "stream cancelled id=" + envelope.id() + " after " + next + "/" + tokens.size()
        + " tokens: " + reason);
  }

  private static String event(String data) {
    return "data: " + data + "\n\n";
  }
}
