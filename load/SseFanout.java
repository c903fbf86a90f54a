import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * load/bench-sse.sh's client: SUBSCRIBERS streams of one course's events (GET /courses/{id}/events,
 * the teacher's token) while RATE answers/s arrive for DURATION s from STUDENTS enrolled students.
 * For every answer.submitted each subscriber receives, the latency from the answer's 202 reply
 * (the answer had committed; the event is published then) and from its submittedAt (graded, before
 * the group commit) to the subscriber. Samples the node's process CPU and heap from /metrics every
 * second. Prints RESULT lines.
 *
 *   java -cp learngrid.jar load/SseFanout.java BASE TEACHER_TOKEN STUDENTS SUBSCRIBERS RATE DURATION
 */
public final class SseFanout {

  public static void main(String[] args) throws Exception {
    String base = args[0];
    String teacher = args[1];
    int studentCount = Integer.parseInt(args[2]);
    int subscribers = Integer.parseInt(args[3]);
    int rate = Integer.parseInt(args[4]);
    int duration = Integer.parseInt(args[5]);
    URI uri = URI.create(base);
    Vertx vertx = Vertx.vertx();
    HttpClient api = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(uri.getHost())
        .setDefaultPort(uri.getPort()), new PoolOptions().setHttp1MaxSize(64));
    HttpClient streams = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(uri.getHost())
        .setDefaultPort(uri.getPort()).setIdleTimeout(0), new PoolOptions().setHttp1MaxSize(subscribers + 8));

    // A course, a one-question assignment, and the students (registered, logged in, enrolled).
    JsonObject course = call(api, HttpMethod.POST, "/api/v1/courses", teacher, new JsonObject().put("title", "SSE bench")
        .put("subject", "load").put("description", "load/bench-sse.sh"));
    String courseId = course.getString("id");
    JsonObject assignment = call(api, HttpMethod.POST, "/api/v1/courses/" + courseId + "/assignments", teacher,
        new JsonObject().put("title", "Fan-out").put("questions", new JsonArray().add(new JsonObject()
            .put("prompt", "6 x 7").put("kind", "number").put("answer", 42).put("points", 1))));
    String assignmentId = assignment.getString("id");
    String questionId = assignment.getJsonArray("questions").getJsonObject(0).getString("id");
    List<String[]> students = new ArrayList<>();
    String tag = Long.toString(System.nanoTime(), 36);
    for (int i = 0; i < studentCount; i++) {
      String email = "sse-" + tag + "-" + i + "@bench.learngrid";
      JsonObject user = call(api, HttpMethod.POST, "/api/v1/auth/register", null, new JsonObject().put("email", email)
          .put("password", "bench-password").put("displayName", "Student " + i));
      JsonObject login = call(api, HttpMethod.POST, "/api/v1/auth/login", null, new JsonObject().put("email", email)
          .put("password", "bench-password"));
      String studentId = user.containsKey("id") ? user.getString("id") : user.getJsonObject("user").getString("id");
      call(api, HttpMethod.POST, "/api/v1/courses/" + courseId + "/enrollments", teacher,
          new JsonObject().put("studentId", studentId));
      students.add(new String[] {studentId, login.getString("accessToken")});
    }
    System.out.println("set up: course " + courseId + ", " + studentCount + " students enrolled");

    // The subscribers.
    Map<String, Long> acceptedAt = new ConcurrentHashMap<>();
    AtomicInteger open = new AtomicInteger();
    AtomicLong received = new AtomicLong();
    AtomicLong measuring = new AtomicLong(Long.MAX_VALUE);
    List<LatencyLog> replyLatencies = new ArrayList<>();
    List<LatencyLog> gradeLatencies = new ArrayList<>();
    List<Future<Void>> opened = new ArrayList<>();
    for (int s = 0; s < subscribers; s++) {
      LatencyLog replies = new LatencyLog();
      LatencyLog grades = new LatencyLog();
      replyLatencies.add(replies);
      gradeLatencies.add(grades);
      opened.add(streams.request(new RequestOptions().setMethod(HttpMethod.GET)
              .setURI("/api/v1/courses/" + courseId + "/events").putHeader("Authorization", "Bearer " + teacher))
          .compose(request -> request.send())
          .map(response -> {
            if (response.statusCode() != 200) {
              throw new IllegalStateException("stream refused: " + response.statusCode());
            }
            open.incrementAndGet();
            StringBuilder pending = new StringBuilder();
            response.handler(chunk -> {
              long now = System.currentTimeMillis();
              pending.append(chunk.toString());
              int end;
              while ((end = pending.indexOf("\n\n")) >= 0) {
                String event = pending.substring(0, end);
                pending.delete(0, end + 2);
                if (!event.contains("event: answer.submitted")) {
                  continue;
                }
                JsonObject data = new JsonObject(event.substring(event.indexOf("data: ") + 6));
                received.incrementAndGet();
                Instant submitted = Instant.parse(data.getString("submittedAt"));
                if (submitted.toEpochMilli() < measuring.get()) {
                  continue; // warm-up
                }
                Long accepted = acceptedAt.get(data.getString("studentId") + data.getString("submittedAt"));
                grades.add(now - submitted.toEpochMilli());
                if (accepted != null) {
                  replies.add(Math.max(0, now - accepted));
                }
              }
            });
            return (Void) null;
          }));
    }
    Future.all(opened).await(120, TimeUnit.SECONDS);
    System.out.println(open.get() + " streams open");

    // The answers: RATE per second, round robin over the students, for DURATION s (after 5 s of warm-up).
    AtomicLong sent = new AtomicLong();
    AtomicLong ok = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    int perTick = Math.max(1, rate / 100);
    AtomicInteger next = new AtomicInteger();
    List<double[]> samples = java.util.Collections.synchronizedList(new ArrayList<>());
    long started = System.currentTimeMillis();
    long warmup = 5_000;
    measuring.set(started + warmup);
    // Every 10 ms, RATE / 100 answers.
    long timer = vertx.setPeriodic(10, id -> {
      for (int i = 0; i < perTick; i++) {
        String[] student = students.get(Math.floorMod(next.getAndIncrement(), students.size()));
        sent.incrementAndGet();
        api.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/api/v1/assignments/" + assignmentId + "/answers")
                .putHeader("Authorization", "Bearer " + student[1]).putHeader("Content-Type", "application/json"))
            .compose(request -> request.send(new JsonObject().put("questionId", questionId).put("answer", 42).toBuffer()))
            .compose(response -> response.body().map(body -> {
              if (response.statusCode() == 202) {
                ok.incrementAndGet();
                acceptedAt.put(student[0] + new JsonObject(body).getString("submittedAt"), System.currentTimeMillis());
              } else {
                failed.incrementAndGet();
              }
              return null;
            }))
            .onFailure(e -> failed.incrementAndGet());
      }
    });
    long sampler = vertx.setPeriodic(1_000, id -> get(api, "/metrics").onSuccess(metrics -> {
      if (System.currentTimeMillis() < started + warmup) {
        return;
      }
      double cpu = 0;
      double heap = 0;
      for (String line : metrics.toString().split("\n")) {
        if (line.startsWith("process_cpu_usage ")) {
          cpu = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        } else if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
          heap += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
      samples.add(new double[] {cpu, heap});
    }));
    Thread.sleep(warmup + duration * 1_000L);
    vertx.cancelTimer(timer);
    vertx.cancelTimer(sampler);
    Thread.sleep(3_000); // the last events' delivery
    long elapsed = duration;
    long[] replies = merge(replyLatencies);
    long[] grades = merge(gradeLatencies);
    double cpuSum = 0;
    double cpuMax = 0;
    double heapMax = 0;
    for (double[] sample : samples) {
      cpuSum += sample[0];
      cpuMax = Math.max(cpuMax, sample[0]);
      heapMax = Math.max(heapMax, sample[1]);
    }
    int cores = Runtime.getRuntime().availableProcessors();
    System.out.printf("RESULT answers: %d sent in %d s after warm-up (target %d/s), %d accepted (202), %d failed%n",
        sent.get(), elapsed + warmup / 1000, rate, ok.get(), failed.get());
    System.out.printf("RESULT deliveries: %d answer.submitted received by %d streams (%d measured)%n", received.get(),
        open.get(), grades.length);
    System.out.printf("RESULT latency 202 reply -> subscriber: p50 %d ms, p99 %d ms, max %d ms%n",
        pct(replies, 50), pct(replies, 99), pct(replies, 100));
    System.out.printf("RESULT latency submittedAt (graded, before the commit) -> subscriber: p50 %d ms, p99 %d ms, max %d ms%n",
        pct(grades, 50), pct(grades, 99), pct(grades, 100));
    System.out.printf("RESULT node: process CPU mean %.0f %% max %.0f %% of %d cores (Micrometer process_cpu_usage x cores), "
        + "heap max %.0f MiB%n", 100 * cores * cpuSum / Math.max(1, samples.size()), 100 * cores * cpuMax, cores,
        heapMax / 1_048_576);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** One subscriber's latencies (its connection's event loop writes them; read once the run is over). */
  static final class LatencyLog {
    private long[] values = new long[1 << 12];
    private int size;

    synchronized void add(long value) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = value;
    }

    synchronized long[] values() {
      return Arrays.copyOf(values, size);
    }
  }

  private static long[] merge(List<LatencyLog> logs) {
    return logs.stream().flatMapToLong(log -> Arrays.stream(log.values())).sorted().toArray();
  }

  private static long pct(long[] sorted, int p) {
    if (sorted.length == 0) {
      return -1;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }

  private static Future<Buffer> get(HttpClient client, String path) {
    return client.request(HttpMethod.GET, path).compose(request -> request.send()).compose(response -> response.body());
  }

  private static JsonObject call(HttpClient client, HttpMethod method, String path, String token, JsonObject body)
      throws Exception {
    RequestOptions options = new RequestOptions().setMethod(method).setURI(path).putHeader("Content-Type", "application/json");
    if (token != null) {
      options.putHeader("Authorization", "Bearer " + token);
    }
    return client.request(options).compose(request -> request.send(body.toBuffer()))
        .compose(response -> response.body().map(reply -> {
          if (response.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + path + ": " + response.statusCode() + " " + reply);
          }
          return reply.length() == 0 ? new JsonObject() : new JsonObject(reply);
        }))
        .await(60, TimeUnit.SECONDS);
  }
}
