// A 5,000-row roster import and the 5,000 set-password emails it queues, on one node: how long the
// import takes (enqueue to the job's outcome) and how many email jobs per second the node delivers to
// an SMTP server. One JVM: an embedded PostgreSQL, the dev node's in-process SMTP server (GreenMail),
// a node with only the persistence role (it runs the roster and email kinds). Run from the checkout,
// after ./mvnw package (load/bench-roster.sh does both):
//
//   $JAVA_HOME/bin/java -cp verticles/target/learngrid.jar load/RosterAndEmail.java [rows] [dataDir]
//
// The roster goes onto the bus as POST /courses/{id}/roster would queue it (learngrid.jobs.create),
// so the figure is the job's own time, not the upload's; emails are counted as GreenMail receives them.
import io.learngrid.Node;
import io.learngrid.bus.BusClient;
import io.learngrid.bus.accounts.CreateUser;
import io.learngrid.bus.courses.CreateCourse;
import io.learngrid.bus.courses.ImportRoster;
import io.learngrid.bus.jobs.CreateJob;
import io.learngrid.bus.jobs.GetJob;
import io.learngrid.bus.jobs.Job;
import io.learngrid.bus.jobs.JobKinds;
import io.learngrid.config.LearngridConfig;
import io.learngrid.config.SettingsReader;
import io.learngrid.dev.DevMail;
import io.learngrid.dev.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

public class RosterAndEmail {

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
    Path data = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("learngrid-bench-roster");
    EmbeddedPostgres pg = EmbeddedPostgres.start(data.resolve("pg-bin"), data.resolve("pg"), 54392);
    DevMail smtp = DevMail.start(54393);
    Map<String, String> settings = Map.of(
        "LEARNGRID_PG_URL", pg.url(),
        "LEARNGRID_ROLES", "persistence",
        "LEARNGRID_JWT_SECRET", "bench-secret-bench-secret-bench-secret-01",
        "LEARNGRID_SMTP_URL", "smtp://127.0.0.1:54393",
        "LEARNGRID_JOBS_EMAIL_CONCURRENCY", System.getProperty("emailConcurrency", "16"),
        "LEARNGRID_JOBS_EMAIL_POLL_MS", "100");
    LearngridConfig config = LearngridConfig.from(new SettingsReader(settings));
    Node node = Node.start(config).await(2, TimeUnit.MINUTES);
    BusClient bus = new BusClient(node.vertx(), 30_000);
    String teacher = bus.request(CreateUser.ENDPOINT, new CreateUser("teacher-" + System.nanoTime() + "@bench.local",
        "x", "Bench Teacher", "teacher", null, null)).await(30, TimeUnit.SECONDS).id();
    String course = bus.request(CreateCourse.ENDPOINT, new CreateCourse(teacher, "Assembly", "bench", "", null))
        .await(30, TimeUnit.SECONDS).id();
    List<ImportRoster.Student> students = new ArrayList<>(rows);
    for (int i = 0; i < rows; i++) {
      students.add(new ImportRoster.Student(i + 2, "pupil-" + i + "-" + System.nanoTime() + "@bench.local", "Pupil " + i));
    }
    System.out.printf("machine: %d cores, %s %s; roster rows %,d; email runner concurrency %d%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), System.getProperty("os.arch"), rows,
        config.jobs().kind(JobKinds.EMAIL).concurrency());

    long begin = System.nanoTime();
    String jobId = bus.request(CreateJob.ENDPOINT, new CreateJob(teacher, JobKinds.ROSTER,
        new ImportRoster(course, students, List.of()).toJson(), null)).await(30, TimeUnit.SECONDS).jobId();
    Job job;
    do {
      Thread.sleep(20);  // polling for the outcome, as a client of GET /jobs/{id} would
      job = bus.request(GetJob.ENDPOINT, new GetJob(jobId, teacher)).await(30, TimeUnit.SECONDS);
    } while (!job.status().equals("succeeded") && !job.status().equals("failed"));
    long imported = System.nanoTime();
    if (!job.status().equals("succeeded")) {
      throw new IllegalStateException("the roster job failed: " + job.error());
    }
    int firstMail = smtp.messages().size();
    long mailBegin = System.nanoTime();
    while (smtp.messages().size() < rows) {
      Thread.sleep(50);
    }
    long mailed = System.nanoTime();
    System.out.printf("RESULT roster_rows=%d import_s=%.2f rows_per_s=%.0f result=%s%n",
        rows, (imported - begin) / 1e9, rows / ((imported - begin) / 1e9), job.result().encode());
    System.out.printf("RESULT emails=%d already_delivered_when_import_finished=%d email_per_s=%.0f (from the import's end)"
            + " all_delivered_s_after_enqueue=%.2f%n",
        rows, firstMail, (rows - firstMail) / ((mailed - mailBegin) / 1e9), (mailed - begin) / 1e9);
    node.stop().await(1, TimeUnit.MINUTES);
    smtp.close();
    pg.close();
    System.exit(0);
  }
}
