// Open-loop load of whole (non-streamed) chat completions at a fixed rate, for load/bench-ai-overhead.sh:
// a request is due every 1/RATE s whatever the earlier ones are doing, and its latency counts from when
// it was due, so a stall shows in the percentiles instead of slowing the load down (no coordinated
// omission). Every prompt is new, so the reply cache is looked up and misses.
//
//   java load/AiOverhead.java MODE URL RATE SECONDS [TOKEN]
//     MODE   direct: POST URL/v1/chat/completions (the simulator); proxy: POST URL/api/v1/ai/chat (learngrid)
//
// Output, one line in load/summary.lua's form, so the scripts' bench_value reads it:
//   BENCH requests=N duration_us=N rps=F p50_us=N p90_us=N p99_us=N p999_us=N max_us=N non2xx=N connect=0
//         read=0 write=0 timeout=N late=N gw_p50_us=N gw_p99_us=N
// `late`: requests sent more than 1 ms after they were due (the generator itself fell behind: the figure
// is then also the generator's); gw_*: learngrid's own X-Learngrid-Overhead-Ms, when its replies carry it.
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

public class AiOverhead {

  public static void main(String[] args) throws Exception {
    if (args.length < 4) {
      System.err.println("usage: java load/AiOverhead.java direct|proxy URL RATE SECONDS [TOKEN]");
      System.exit(2);
    }
    boolean proxy = args[0].equals("proxy");
    String url = args[1] + (proxy ? "/api/v1/ai/chat" : "/v1/chat/completions");
    int rate = Integer.parseInt(args[2]);
    int seconds = Integer.parseInt(args[3]);
    String token = args.length > 4 ? args[4] : null;
    int total = rate * seconds;
    long[] latencies = new long[total];
    long[] gateway = new long[total];
    Arrays.fill(gateway, -1);
    AtomicInteger failed = new AtomicInteger();
    AtomicInteger timedOut = new AtomicInteger();
    AtomicInteger late = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(total);
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .executor(Executors.newFixedThreadPool(4)).connectTimeout(Duration.ofSeconds(5)).build();
    String run = Long.toString(System.nanoTime(), 36);
    long intervalNanos = 1_000_000_000L / rate;
    long start = System.nanoTime() + 50_000_000;
    for (int i = 0; i < total; i++) {
      long due = start + i * intervalNanos;
      long wait;
      while ((wait = due - System.nanoTime()) > 0) {
        LockSupport.parkNanos(wait);
      }
      if (System.nanoTime() - due > 1_000_000) {
        late.incrementAndGet();
      }
      String body = "{\"model\":\"learngrid-sim\",\"messages\":[{\"role\":\"user\",\"content\":\"overhead " + run + "-" + i
          + "\"}]}";
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
      if (proxy && token != null) {
        request.header("Authorization", "Bearer " + token);
      }
      int n = i;
      client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
        latencies[n] = (System.nanoTime() - due) / 1_000;
        if (failure != null) {
          (failure instanceof java.net.http.HttpTimeoutException ? timedOut : failed).incrementAndGet();
        } else {
          if (response.statusCode() != 200) {
            failed.incrementAndGet();
          }
          response.headers().firstValue("X-Learngrid-Overhead-Ms")
              .ifPresent(ms -> gateway[n] = (long) (Double.parseDouble(ms) * 1_000));
        }
        done.countDown();
      });
    }
    done.await(seconds + 60L, TimeUnit.SECONDS);
    long elapsedMicros = (System.nanoTime() - start) / 1_000;
    long[] sorted = latencies.clone();
    Arrays.sort(sorted);
    long[] gw = Arrays.stream(gateway).filter(v -> v >= 0).sorted().toArray();
    System.out.printf("BENCH requests=%d duration_us=%d rps=%.1f p50_us=%d p90_us=%d p99_us=%d p999_us=%d max_us=%d"
            + " non2xx=%d connect=0 read=0 write=0 timeout=%d late=%d gw_p50_us=%d gw_p99_us=%d%n",
        total, elapsedMicros, total / (elapsedMicros / 1e6), at(sorted, 50), at(sorted, 90), at(sorted, 99),
        at(sorted, 99.9), sorted[sorted.length - 1], failed.get(), timedOut.get(), late.get(),
        gw.length == 0 ? -1 : at(gw, 50), gw.length == 0 ? -1 : at(gw, 99));
    System.exit(0);
  }

  private static long at(long[] sorted, double percentile) {
    int index = (int) Math.ceil(percentile / 100 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }
}
