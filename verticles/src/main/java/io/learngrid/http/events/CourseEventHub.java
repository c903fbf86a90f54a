package io.learngrid.http.events;

import io.learngrid.bus.BusClient;
import io.learngrid.bus.BusJson;
import io.learngrid.bus.events.CourseEvent;
import io.learngrid.bus.events.CourseEventPage;
import io.learngrid.bus.events.ReadCourseEvents;
import io.learngrid.config.LearngridConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's course event feeds, shared by its http verticles: one bus consumer per course with at
 * least one stream open on this node, however many streams (not one per client). A feed hands its
 * streams every event once, in seq order, without gaps: an event that arrives ahead of one it has
 * not seen (two persistence nodes' publishes crossing, a publish lost with its node) is held for
 * {@code LEARNGRID_EVENTS_GAP_WAIT_MS}, then the gap is read from the outbox; and every heartbeat
 * the feed reads what may follow its last event, so a lost publish at the tail shows up within one.
 *
 * <p>Each SSE frame is encoded once per event and written to every stream; the streams live on
 * their verticles' event loops, so a feed's events reach them by {@code runOnContext}, one task per
 * event loop, in order. A feed's state is guarded by its own lock (consumers, timers and streams
 * run on several event loops).
 */
public final class CourseEventHub {

  private static final Logger LOG = LoggerFactory.getLogger(CourseEventHub.class);
  /** Events read from the outbox per request (a replay, a gap, a tail check). */
  static final int PAGE = 500;

  private final Vertx vertx;
  private final LearngridConfig.Events settings;
  private final BusClient persistence;
  private final Map<String, Feed> feeds = new HashMap<>();
  private final Map<String, AtomicInteger> perUser = new ConcurrentHashMap<>();
  private final AtomicInteger open = new AtomicInteger();
  private final Counter delivered;
  private final Map<String, Counter> cutOff = new ConcurrentHashMap<>();
  private final MeterRegistry registry;

  public CourseEventHub(Vertx vertx, LearngridConfig config, MeterRegistry registry) {
    this.vertx = vertx;
    this.settings = config.events();
    this.persistence = new BusClient(vertx, config.busTimeoutMillis());
    this.registry = registry;
    Gauge.builder("learngrid.sse.streams.open", open, AtomicInteger::get)
        .description("Course event streams (SSE) open on this node").strongReference(true).register(registry);
    Gauge.builder("learngrid.sse.feeds", this, hub -> hub.feedCount())
        .description("Courses this node holds a bus consumer for (one per course with a stream open here)")
        .strongReference(true).register(registry);
    this.delivered = Counter.builder("learngrid.sse.events.delivered")
        .description("Course events written to SSE streams by this node (replayed and live)").register(registry);
  }

  LearngridConfig.Events settings() {
    return settings;
  }

  BusClient persistence() {
    return persistence;
  }

  Vertx vertx() {
    return vertx;
  }

  void delivered(int events) {
    delivered.increment(events);
  }

  void cutOff(String reason) {
    cutOff.computeIfAbsent(reason, key -> Counter.builder("learngrid.sse.streams.cut")
        .description("Course event streams this node ended itself: slow (its queue overflowed), or stopping")
        .tag("reason", key).register(registry)).increment();
  }

  private synchronized int feedCount() {
    return feeds.size();
  }

  /**
   * A place for one more stream of {@code userId}, within the per-user and per-node limits: 0 when
   * taken, else which limit refused it (1: the user's, 2: the node's).
   */
  int reserve(String userId) {
    if (open.incrementAndGet() > settings.maxStreamsPerNode()) {
      open.decrementAndGet();
      return 2;
    }
    AtomicInteger mine = perUser.computeIfAbsent(userId, key -> new AtomicInteger());
    if (mine.incrementAndGet() > settings.maxStreamsPerUser()) {
      mine.decrementAndGet();
      open.decrementAndGet();
      return 1;
    }
    return 0;
  }

  void release(String userId) {
    open.decrementAndGet();
    perUser.computeIfPresent(userId, (key, count) -> count.decrementAndGet() <= 0 ? null : count);
  }

  /** Joins {@code stream} to its course's feed, making the feed (its consumer) when it is the first. */
  void join(EventStream stream) {
    Feed feed;
    synchronized (this) {
      feed = feeds.computeIfAbsent(stream.courseId(), Feed::new);
      feed.add(stream);
    }
    if (feed.starting.compareAndSet(false, true)) {
      feed.start();
    }
  }

  void leave(EventStream stream) {
    Feed feed;
    synchronized (this) {
      feed = feeds.get(stream.courseId());
      if (feed == null || !feed.remove(stream)) {
        return;
      }
      feeds.remove(stream.courseId());
    }
    feed.close();
  }

  /**
   * Ends every stream of this node (it is stopping): each ends cleanly, and its client reconnects
   * through another node with its Last-Event-ID.
   */
  public void endAll() {
    List<EventStream> all = new ArrayList<>();
    synchronized (this) {
      feeds.values().forEach(feed -> all.addAll(feed.streams()));
    }
    all.forEach(stream -> stream.context().runOnContext(v -> stream.end("stopping")));
  }

  /** {@code id: <seq>\nevent: <type>\ndata: <json>\n\n}. */
  static Buffer frame(CourseEvent event) {
    return Buffer.buffer("id: " + event.seq() + "\nevent: " + event.type() + "\ndata: "
        + (event.data() == null ? new JsonObject() : event.data()).encode() + "\n\n", StandardCharsets.UTF_8.name());
  }

  /** One event as the streams take it: its seq and its SSE frame. */
  record Frame(long seq, Buffer bytes) {}

  /** One course's consumer and the streams it feeds. */
  private final class Feed {

    final String courseId;
    final AtomicBoolean starting = new AtomicBoolean();
    private final List<EventStream> streams = new ArrayList<>();
    private final List<EventStream> waiting = new ArrayList<>();
    private final TreeMap<Long, CourseEvent> held = new TreeMap<>();
    private MessageConsumer<JsonObject> consumer;
    private long next = -1;
    private long gapTimer = -1;
    private long tailTimer = -1;
    private boolean reading;
    private boolean closed;

    Feed(String courseId) {
      this.courseId = courseId;
    }

    synchronized List<EventStream> streams() {
      return List.copyOf(streams);
    }

    /** Under the hub's lock. */
    void add(EventStream stream) {
      synchronized (this) {
        streams.add(stream);
        if (next < 0) {
          waiting.add(stream);
        } else {
          stream.joined(next - 1);
        }
      }
    }

    /** Under the hub's lock; true when it was the last stream. */
    boolean remove(EventStream stream) {
      synchronized (this) {
        if (!streams.remove(stream)) {
          return false;
        }
        waiting.remove(stream);
        if (streams.isEmpty()) {
          closed = true;
          return true;
        }
        return false;
      }
    }

    /**
     * The consumer first, then the course's last seq: every event after it reaches the consumer,
     * and the streams replay what came before from the outbox.
     */
    void start() {
      MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(CourseEvent.address(courseId), message -> {
        try {
          arrived(List.of(BusJson.fromJson(message.body(), CourseEvent.class)));
        } catch (RuntimeException e) {
          LOG.debug("malformed course event dropped: " + e.getMessage());
        }
      });
      synchronized (this) {
        this.consumer = consumer;
        if (closed) {
          consumer.unregister();
          return;
        }
      }
      consumer.completion()
          .compose(registered -> read(Long.MAX_VALUE))
          .onComplete(bounds -> {
            if (bounds.failed()) {
              failed(bounds.cause());
              return;
            }
            synchronized (this) {
              if (closed) {
                return;
              }
              next = bounds.result().lastSeq() + 1;
              held.headMap(next).clear();
              waiting.forEach(stream -> stream.joined(next - 1));
              waiting.clear();
              tailTimer = vertx.setPeriodic(settings.heartbeatMillis(), id -> readAfterLast());
            }
            arrived(List.of());
          });
    }

    /** The feed could not start: its streams end (their clients reconnect with Last-Event-ID). */
    private void failed(Throwable failure) {
      LOG.warn("course event feed of " + courseId + " could not start: " + failure.getMessage());
      synchronized (CourseEventHub.this) {
        feeds.remove(courseId, this);
      }
      List<EventStream> ended;
      synchronized (this) {
        closed = true;
        ended = new ArrayList<>(streams);
        streams.clear();
        waiting.clear();
      }
      close();
      ended.forEach(stream -> stream.end("unavailable"));
    }

    /** {@code Long.MAX_VALUE}: no events, only the course's last seq. */
    private Future<CourseEventPage> read(long afterSeq) {
      return persistence.request(ReadCourseEvents.ENDPOINT, new ReadCourseEvents(courseId, afterSeq, PAGE));
    }

    /** Events from the bus or the outbox: those next in seq go out, later ones wait for the gap. */
    void arrived(List<CourseEvent> events) {
      boolean gap;
      synchronized (this) {
        if (closed) {
          return;
        }
        for (CourseEvent event : events) {
          if (next < 0 || event.seq() >= next) {
            held.put(event.seq(), event);
          }
        }
        if (next < 0) {
          return;
        }
        List<Frame> frames = new ArrayList<>();
        while (!held.isEmpty() && held.firstKey() <= next) {
          CourseEvent event = held.pollFirstEntry().getValue();
          if (event.seq() == next) {
            frames.add(new Frame(event.seq(), frame(event)));
            next++;
          }
        }
        if (!frames.isEmpty()) {
          dispatch(frames);
        }
        gap = !held.isEmpty();
        if (!gap && gapTimer >= 0) {
          vertx.cancelTimer(gapTimer);
          gapTimer = -1;
        }
        if (gap && gapTimer < 0 && !reading) {
          gapTimer = vertx.setTimer(Math.max(1, settings.gapWaitMillis()), id -> {
            synchronized (this) {
              gapTimer = -1;
            }
            readAfterLast();
          });
        }
      }
    }

    /** What follows the last event handed out, from the outbox: a gap, or a lost publish at the tail. */
    private void readAfterLast() {
      long after;
      synchronized (this) {
        if (closed || next < 0 || reading) {
          return;
        }
        reading = true;
        after = next - 1;
      }
      read(after).onComplete(page -> {
        synchronized (this) {
          reading = false;
        }
        if (page.failed()) {
          LOG.debug("course events of " + courseId + " not read: " + page.cause().getMessage());
          arrived(List.of());
          return;
        }
        arrived(page.result().events());
        // A full page: there is more.
        if (page.result().events().size() == PAGE) {
          readAfterLast();
        }
      });
    }

    /** Under the feed's lock: one task per event loop, so every stream gets the frames in seq order. */
    private void dispatch(List<Frame> frames) {
      Map<Context, List<EventStream>> byContext = new IdentityHashMap<>();
      for (EventStream stream : streams) {
        byContext.computeIfAbsent(stream.context(), key -> new ArrayList<>()).add(stream);
      }
      byContext.forEach((context, onIt) -> context.runOnContext(v -> onIt.forEach(stream -> stream.live(frames))));
    }

    /** After the last stream left ({@code closed} is set). */
    synchronized void close() {
      if (gapTimer >= 0) {
        vertx.cancelTimer(gapTimer);
      }
      if (tailTimer >= 0) {
        vertx.cancelTimer(tailTimer);
      }
      if (consumer != null) {
        consumer.unregister();
      }
    }
  }
}
