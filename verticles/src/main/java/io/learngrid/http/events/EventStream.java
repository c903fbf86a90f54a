package io.learngrid.http.events;

import io.learngrid.bus.events.CourseEventPage;
import io.learngrid.bus.events.ReadCourseEvents;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayDeque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open {@code GET /courses/{id}/events}, on its request's event loop. It joins the course's
 * feed first, then replays from the outbox what came after the client's Last-Event-ID up to where
 * the feed took over, then writes what the feed hands it: every event once, in seq order (an event
 * at or below the last one written is dropped, a gap is read from the outbox).
 *
 * <p>While the client's socket is backed up (writeQueueFull) events queue here; past
 * {@code LEARNGRID_EVENTS_STREAM_QUEUE} of them the client is cut off rather than buffered without
 * bound, and comes back with its Last-Event-ID.
 */
final class EventStream {

  private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);
  private static final CharSequence EVENT_STREAM = HttpHeaders.createOptimized("text/event-stream");
  private static final CharSequence NO_CACHE = HttpHeaders.createOptimized("no-cache");
  private static final CharSequence IDENTITY = HttpHeaders.createOptimized("identity");
  private static final Buffer PING = Buffer.buffer(": ping\n\n");

  private final CourseEventHub hub;
  private final Context context;
  private final HttpServerResponse response;
  private final String courseId;
  private final String userId;
  private final int maxQueued;
  private final ArrayDeque<CourseEventHub.Frame> queued = new ArrayDeque<>();
  /** The seq of the last event written (or known to the client: its Last-Event-ID). */
  private long lastSent;
  /** Where the feed took over: the replay goes up to it. -1 until the feed says. */
  private long replayUntil = -1;
  private boolean catchingUp = true;
  private boolean waitingForDrain;
  private boolean ended;
  private long heartbeat = -1;
  private boolean joinedHub;

  /** {@code lastEventId}: the client's Last-Event-ID, or -1 to start with the next event. */
  EventStream(CourseEventHub hub, Context context, HttpServerResponse response, String courseId, String userId,
              long lastEventId) {
    this.hub = hub;
    this.context = context;
    this.response = response;
    this.courseId = courseId;
    this.userId = userId;
    this.maxQueued = hub.settings().streamQueue();
    this.lastSent = lastEventId;
  }

  String courseId() {
    return courseId;
  }

  Context context() {
    return context;
  }

  /** The head, the heartbeat, then the feed. */
  void open() {
    response.setChunked(true)
        .putHeader(HttpHeaders.CONTENT_TYPE, EVENT_STREAM)
        .putHeader(HttpHeaders.CACHE_CONTROL, NO_CACHE)
        // Streams must not wait in a compressor's or a proxy's buffer.
        .putHeader(HttpHeaders.CONTENT_ENCODING, IDENTITY)
        .putHeader("X-Accel-Buffering", "no")
        .setStatusCode(200);
    response.closeHandler(v -> end(null));
    if (response.closed()) {
      // Gone while it was being authorized: no close event will come.
      end(null);
      return;
    }
    // How long EventSource waits before it reconnects (with Last-Event-ID).
    response.write("retry: 2000\n\n");
    heartbeat = hub.vertx().setPeriodic(hub.settings().heartbeatMillis(), id -> {
      if (!ended && !response.writeQueueFull()) {
        response.write(PING);
      }
    });
    joinedHub = true;
    hub.join(this);
  }

  /** From the feed (any thread): events after {@code feedFrom} come from the feed. */
  void joined(long feedFrom) {
    context.runOnContext(v -> {
      replayUntil = feedFrom;
      if (lastSent < 0) {
        lastSent = feedFrom; // no Last-Event-ID: from now on
      }
      catchUp();
    });
  }

  /** From the feed, on this stream's event loop, in seq order. */
  void live(List<CourseEventHub.Frame> frames) {
    if (ended) {
      return;
    }
    for (CourseEventHub.Frame frame : frames) {
      if (frame.seq() > lastSent) {
        queued.add(frame);
      }
    }
    if (queued.size() > maxQueued && catchingUp) {
      // Still replaying: these are in the outbox too, and the replay reads on until it is empty.
      queued.clear();
      return;
    }
    if (queued.size() > maxQueued) {
      hub.cutOff("slow");
      LOG.info("course event stream of " + courseId + " cut off: its client fell " + queued.size()
          + " events behind (LEARNGRID_EVENTS_STREAM_QUEUE)");
      end("slow");
      return;
    }
    drain();
  }

  /** Reads from the outbox what follows lastSent, up to where the feed took over (or further on a gap). */
  private void catchUp() {
    catchingUp = true;
    long until = Math.max(replayUntil, queued.isEmpty() ? replayUntil : queued.peekFirst().seq() - 1);
    if (ended || lastSent >= until) {
      catchingUp = false;
      drain();
      return;
    }
    hub.persistence().request(ReadCourseEvents.ENDPOINT, new ReadCourseEvents(courseId, lastSent, CourseEventHub.PAGE))
        .onComplete(page -> {
          if (ended) {
            return;
          }
          if (page.failed()) {
            LOG.info("course event stream of " + courseId + " ended: its events could not be read: "
                + page.cause().getMessage());
            end("unavailable");
            return;
          }
          CourseEventPage events = page.result();
          int written = 0;
          for (var event : events.events()) {
            if (event.seq() <= lastSent) {
              continue;
            }
            // The outbox has no gaps but at its start: what retention removed is gone for good.
            response.write(CourseEventHub.frame(event));
            lastSent = event.seq();
            written++;
          }
          hub.delivered(written);
          if (written == 0 && events.events().isEmpty()) {
            // Nothing more is stored: the rest comes from the feed.
            catchingUp = false;
            drain();
            return;
          }
          if (response.writeQueueFull()) {
            waitForDrain(this::catchUp);
          } else {
            catchUp();
          }
        });
  }

  /** Writes the queued frames while the socket takes them; a gap sends it back to the outbox. */
  private void drain() {
    if (ended || catchingUp || waitingForDrain || replayUntil < 0) {
      return;
    }
    int written = 0;
    while (!queued.isEmpty()) {
      if (response.writeQueueFull()) {
        hub.delivered(written);
        waitForDrain(this::drain);
        return;
      }
      CourseEventHub.Frame frame = queued.peekFirst();
      if (frame.seq() <= lastSent) {
        queued.pollFirst();
        continue;
      }
      if (frame.seq() > lastSent + 1) {
        hub.delivered(written);
        catchUp();
        return;
      }
      queued.pollFirst();
      response.write(frame.bytes());
      lastSent = frame.seq();
      written++;
    }
    hub.delivered(written);
  }

  private void waitForDrain(Runnable then) {
    waitingForDrain = true;
    response.drainHandler(v -> {
      response.drainHandler(null);
      waitingForDrain = false;
      then.run();
    });
  }

  /** Ends the stream: {@code reason} null when the client went away, else why this node ends it. */
  void end(String reason) {
    if (ended) {
      return;
    }
    ended = true;
    queued.clear();
    if (heartbeat >= 0) {
      hub.vertx().cancelTimer(heartbeat);
    }
    if (joinedHub) {
      hub.leave(this);
    }
    hub.release(userId);
    if ("stopping".equals(reason)) {
      hub.cutOff(reason);
      response.end();
    } else if (reason != null) {
      // A cut, not an end: the client sees the stream broken and reconnects with its Last-Event-ID.
      response.reset();
    }
  }
}
