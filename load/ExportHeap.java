// The heap of a node writing course exports: a 500 students x 20 assignments gradebook and a
// 100,000-answer export, each run as the export job runs in production, on a node with only the
// persistence role in a JVM whose heap is capped (load/bench-export.sh gives it -Xmx64m). One JVM:
// an embedded PostgreSQL (port 54394) seeded with SQL, and the node. Run from the checkout, after
// ./mvnw package (load/bench-export.sh does both):
//
//   $JAVA_HOME/bin/java -Xmx64m -cp verticles/target/learngrid.jar load/ExportHeap.java [answers] [dataDir]
//
// Figures per export: its time, rows and bytes; the heap used at its peak (garbage included, as
// sampled every 5 ms) and the largest heap left after any collection during it (what the export
// really holds), against the same after-collection figure of the idle node before it.
import com.sun.management.GarbageCollectionNotificationInfo;
import io.learngrid.Node;
import io.learngrid.bus.BusClient;
import io.learngrid.bus.accounts.CreateUser;
import io.learngrid.bus.courses.CreateCourse;
import io.learngrid.bus.exports.ExportCourse;
import io.learngrid.bus.jobs.CreateJob;
import io.learngrid.bus.jobs.GetJob;
import io.learngrid.bus.jobs.Job;
import io.learngrid.bus.jobs.JobKinds;
import io.learngrid.config.LearngridConfig;
import io.learngrid.config.SettingsReader;
import io.learngrid.dev.EmbeddedPostgres;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

public class ExportHeap {

  static final AtomicLong peakUsed = new AtomicLong();
  static final AtomicLong peakAfterGc = new AtomicLong();

  public static void main(String[] args) throws Exception {
    int answers = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    Path data = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("learngrid-bench-export");
    EmbeddedPostgres pg = EmbeddedPostgres.start(data.resolve("pg-bin"), data.resolve("pg"), 54394);
    Map<String, String> settings = Map.of(
        "LEARNGRID_PG_URL", pg.url(),
        "LEARNGRID_ROLES", "persistence",
        "LEARNGRID_JWT_SECRET", "bench-secret-bench-secret-bench-secret-01",
        "LEARNGRID_JOBS_EXPORT_POLL_MS", "50");
    LearngridConfig config = LearngridConfig.from(new SettingsReader(settings));
    Node node = Node.start(config).await(2, TimeUnit.MINUTES);
    BusClient bus = new BusClient(node.vertx(), 30_000);
    String teacher = bus.request(CreateUser.ENDPOINT, new CreateUser("teacher-" + System.nanoTime() + "@bench.local",
        "x", "Bench Teacher", "teacher", null, null)).await(30, TimeUnit.SECONDS).id();
    String gradebook = bus.request(CreateCourse.ENDPOINT, new CreateCourse(teacher, "Year 9", "bench", "", null))
        .await(30, TimeUnit.SECONDS).id();
    String answerLog = bus.request(CreateCourse.ENDPOINT, new CreateCourse(teacher, "Essays", "bench", "", null))
        .await(30, TimeUnit.SECONDS).id();
    try (Connection sql = DriverManager.getConnection("jdbc:" + pg.url().replace("postgres@", "") + "?user=postgres")) {
      seedGradebook(sql, UUID.fromString(gradebook), 500, 20);
      seedAnswers(sql, UUID.fromString(answerLog), answers);
    }
    watchHeap();
    System.out.printf("machine: %d cores, %s %s, java %s; heap max %d MB (%s)%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), System.getProperty("os.arch"),
        System.getProperty("java.version"), Runtime.getRuntime().maxMemory() >> 20,
        ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName).toList());

    export(bus, teacher, gradebook, "gradebook", "500 students x 20 assignments");
    export(bus, teacher, answerLog, "answers", String.format("%,d answers", answers));
    node.stop().await(1, TimeUnit.MINUTES);
    pg.close();
    System.exit(0);
  }

  static void export(BusClient bus, String teacher, String course, String kind, String what) throws Exception {
    System.gc();
    long idle = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    peakUsed.set(0);
    peakAfterGc.set(0);
    long begin = System.nanoTime();
    String jobId = bus.request(CreateJob.ENDPOINT, new CreateJob(teacher, JobKinds.EXPORT,
        new ExportCourse(course, kind, "csv").toJson(), null)).await(30, TimeUnit.SECONDS).jobId();
    Job job;
    do {
      Thread.sleep(20);  // polling for the outcome, as a client of GET /jobs/{id} would
      job = bus.request(GetJob.ENDPOINT, new GetJob(jobId, teacher)).await(30, TimeUnit.SECONDS);
    } while (!job.status().equals("succeeded") && !job.status().equals("failed"));
    long took = System.nanoTime() - begin;
    if (!job.status().equals("succeeded")) {
      throw new IllegalStateException("the export failed: " + job.error());
    }
    System.out.printf("RESULT export=%s (%s) s=%.2f rows=%d bytes=%d idle_heap_after_gc_mb=%.1f"
            + " peak_heap_used_mb=%.1f peak_heap_after_gc_mb=%.1f%n",
        kind, what, took / 1e9, job.result().getLong("rows"), job.result().getLong("bytes"), idle / 1048576.0,
        peakUsed.get() / 1048576.0, peakAfterGc.get() / 1048576.0);
  }

  /** Peak heap used, sampled every 5 ms, and the heap left after each collection, from its notification. */
  static void watchHeap() {
    Thread sampler = new Thread(() -> {
      while (true) {
        peakUsed.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "heap-sampler");
    sampler.setDaemon(true);
    sampler.start();
    for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
      ((NotificationEmitter) collector).addNotificationListener((notification, handback) -> {
        if (notification.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
          GarbageCollectionNotificationInfo info =
              GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
          long after = info.getGcInfo().getMemoryUsageAfterGc().entrySet().stream()
              .filter(pool -> ManagementFactory.getMemoryPoolMXBeans().stream().anyMatch(
                  bean -> bean.getName().equals(pool.getKey()) && bean.getType() == MemoryType.HEAP))
              .mapToLong(pool -> pool.getValue().getUsed()).sum();
          peakAfterGc.accumulateAndGet(after, Math::max);
        }
      }, null, null);
    }
  }

  static void seedGradebook(Connection sql, UUID course, int students, int assignments) throws Exception {
    try (PreparedStatement s = sql.prepareStatement("""
        WITH pupils AS (
          INSERT INTO users (email, password_hash, display_name, role)
          SELECT 'pupil-' || i || '-' || ? || '@bench.local', '', 'Pupil ' || i, 'student' FROM generate_series(1, ?) i
          RETURNING id)
        INSERT INTO enrollments (course_id, student_id) SELECT ?, id FROM pupils""")) {
      s.setLong(1, System.nanoTime());
      s.setInt(2, students);
      s.setObject(3, course);
      s.executeUpdate();
    }
    try (PreparedStatement s = sql.prepareStatement("""
        INSERT INTO assignments (course_id, title, question_count, max_points)
        SELECT ?, 'Homework ' || i, 5, 5 FROM generate_series(1, ?) i""")) {
      s.setObject(1, course);
      s.setInt(2, assignments);
      s.executeUpdate();
    }
    // Five questions per assignment, each scored for every student (best_points 0 or 1).
    try (PreparedStatement s = sql.prepareStatement("""
        INSERT INTO question_scores (student_id, question_id, assignment_id, course_id, attempts, correct, best_points,
                                     last_event_at)
        SELECT e.student_id, gen_random_uuid(), a.id, a.course_id, 1, q % 2 = 0, (q % 2 = 0)::int, now()
        FROM enrollments e JOIN assignments a ON a.course_id = e.course_id, generate_series(1, 5) q
        WHERE e.course_id = ?""")) {
      s.setObject(1, course);
      s.executeUpdate();
    }
  }

  static void seedAnswers(Connection sql, UUID course, int answers) throws Exception {
    UUID student;
    UUID assignment;
    try (PreparedStatement s = sql.prepareStatement("""
        WITH pupil AS (INSERT INTO users (email, password_hash, display_name, role)
                       VALUES ('writer-' || ? || '@bench.local', '', 'Writer', 'student') RETURNING id),
             enrolled AS (INSERT INTO enrollments (course_id, student_id) SELECT ?, id FROM pupil)
        SELECT id FROM pupil""")) {
      s.setLong(1, System.nanoTime());
      s.setObject(2, course);
      try (var rows = s.executeQuery()) {
        rows.next();
        student = rows.getObject(1, UUID.class);
      }
    }
    try (PreparedStatement s = sql.prepareStatement("""
        INSERT INTO assignments (course_id, title, question_count, max_points) VALUES (?, 'Essay', 1, 1) RETURNING id""")) {
      s.setObject(1, course);
      try (var rows = s.executeQuery()) {
        rows.next();
        assignment = rows.getObject(1, UUID.class);
      }
    }
    // ~156 characters of answer each, a second apart, all within the last days' partitions.
    try (PreparedStatement s = sql.prepareStatement("""
        INSERT INTO answer_events (event_id, submitted_at, student_id, course_id, assignment_id, question_id, answer,
                                   correct, points_awarded)
        SELECT gen_random_uuid(), now() - make_interval(secs => (? - i) / 10.0), ?, ?, ?, gen_random_uuid(),
               to_jsonb(repeat('answer ' || i || ' ', 12)), i % 3 = 0, (i % 3 = 0)::int
        FROM generate_series(1, ?) i""")) {
      s.setInt(1, answers);
      s.setObject(2, student);
      s.setObject(3, course);
      s.setObject(4, assignment);
      s.setInt(5, answers);
      s.executeUpdate();
    }
  }
}
