package io.learngrid.http.caching;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.config.LearngridConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The near cache alone, no node: loads are promises the test completes when it chooses. */
@DisplayName("Near cache: single flight, and loads overtaken by an invalidation")
class NearCacheTest {

  private static final String KEY = "course:1";
  private static final byte[] OLD = "{\"title\":\"old\"}".getBytes(StandardCharsets.UTF_8);
  private static final byte[] NEW = "{\"title\":\"new\"}".getBytes(StandardCharsets.UTF_8);

  private Vertx vertx;
  private NearCache near;

  @BeforeEach
  void cache() {
    vertx = Vertx.vertx();
    near = NearCache.of(vertx, new LearngridConfig.NearCache(100, 1 << 20, 60), new SimpleMeterRegistry());
  }

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** A load the test finishes itself: the flight it was given and the promise of its result. */
  private record Load(NearCache.Flight flight, Promise<Buffer> result) {}

  private Future<Buffer> join(AtomicReference<Load> started) {
    return near.join(KEY, flight -> {
      Load load = new Load(flight, Promise.promise());
      started.set(load);
      return load.result().future();
    });
  }

  /** What a cache-aside read does when its load returns: store it, then answer with it. */
  private void finish(Load load, byte[] json) {
    near.fill(load.flight(), KEY, "course", json, 60);
    load.result().complete(Buffer.buffer(json));
  }

  @Test
  @DisplayName("a load that ran undisturbed is stored and served")
  void undisturbedLoadIsStored() {
    AtomicReference<Load> load = new AtomicReference<>();
    join(load);
    finish(load.get(), OLD);
    assertThat(near.get("course", KEY)).isNotNull().extracting(NearCache.Entry::json).isEqualTo(OLD);
  }

  @Test
  @DisplayName("callers that ask while a load runs share it: one load, one result for all")
  void concurrentCallersShareOneLoad() throws Exception {
    AtomicInteger loads = new AtomicInteger();
    AtomicReference<Load> load = new AtomicReference<>();
    Future<Buffer> first = near.join(KEY, flight -> {
      loads.incrementAndGet();
      load.set(new Load(flight, Promise.promise()));
      return load.get().result().future();
    });
    Future<Buffer> second = near.join(KEY, flight -> {
      loads.incrementAndGet();
      return Future.succeededFuture(Buffer.buffer(NEW));
    });
    finish(load.get(), OLD);
    assertThat(loads).hasValue(1);
    assertThat(second.await(5, TimeUnit.SECONDS).getBytes()).isEqualTo(OLD);
    assertThat(first.await(5, TimeUnit.SECONDS).getBytes()).isEqualTo(OLD);
  }

  @Test
  @DisplayName("a load that started before an invalidation of its key is not stored when it returns")
  void staleLoadIsNotStored() {
    AtomicReference<Load> load = new AtomicReference<>();
    join(load);
    near.invalidate(List.of(KEY));   // the write happened while the old value was being read
    finish(load.get(), OLD);
    assertThat(load.get().flight().stale).isTrue();
    assertThat(near.get("course", KEY)).as("the value read before the write").isNull();
  }

  @Test
  @DisplayName("a caller after the invalidation does not join the stale load: it loads afresh and gets the new value")
  void callerAfterInvalidationLoadsAfresh() throws Exception {
    AtomicReference<Load> stale = new AtomicReference<>();
    Future<Buffer> before = join(stale);
    near.invalidate(List.of(KEY));
    AtomicReference<Load> fresh = new AtomicReference<>();
    Future<Buffer> after = join(fresh);
    assertThat(fresh.get()).as("a load of its own").isNotNull();

    finish(stale.get(), OLD);
    finish(fresh.get(), NEW);
    assertThat(before.await(5, TimeUnit.SECONDS).getBytes()).isEqualTo(OLD);
    assertThat(after.await(5, TimeUnit.SECONDS).getBytes()).isEqualTo(NEW);
    assertThat(near.get("course", KEY).json()).isEqualTo(NEW);
  }

  @Test
  @DisplayName("the fresh load's entry survives the stale load returning after it")
  void staleLoadReturningLastKeepsTheFreshEntry() {
    AtomicReference<Load> stale = new AtomicReference<>();
    join(stale);
    near.invalidate(List.of(KEY));
    AtomicReference<Load> fresh = new AtomicReference<>();
    join(fresh);
    finish(fresh.get(), NEW);
    finish(stale.get(), OLD);
    assertThat(near.get("course", KEY).json()).isEqualTo(NEW);
  }

  @Test
  @DisplayName("a prefix invalidation marks the loads under the prefix stale, and only those")
  void prefixInvalidationMarksLoadsStale() {
    AtomicReference<Load> load = new AtomicReference<>();
    join(load);
    AtomicReference<NearCache.Flight> other = new AtomicReference<>();
    near.join("progress:1", flight -> {
      other.set(flight);
      return Promise.<Buffer>promise().future();
    });
    near.invalidatePrefixes(List.of("course:"));
    finish(load.get(), OLD);
    assertThat(near.get("course", KEY)).isNull();
    assertThat(other.get().stale).isFalse();
  }

  @Test
  @DisplayName("a load that throws leaves no flight behind: the next caller loads again")
  void throwingLoadLeavesNoFlight() throws Exception {
    Future<Buffer> failed = near.join(KEY, flight -> {
      throw new IllegalStateException("boom");
    });
    assertThat(failed.failed()).isTrue();
    Future<Buffer> next = near.join(KEY, flight -> Future.succeededFuture(Buffer.buffer(NEW)));
    assertThat(next.await(5, TimeUnit.SECONDS).getBytes()).isEqualTo(NEW);
  }
}
