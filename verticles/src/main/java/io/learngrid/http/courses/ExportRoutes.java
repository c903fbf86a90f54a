package io.learngrid.http.courses;

import io.learngrid.bus.BusClient;
import io.learngrid.bus.exports.ExportCourse;
import io.learngrid.bus.exports.ExportFile;
import io.learngrid.bus.exports.GetExportFile;
import io.learngrid.bus.exports.ReadExportChunk;
import io.learngrid.bus.jobs.JobKinds;
import io.learngrid.http.Access;
import io.learngrid.http.Caller;
import io.learngrid.http.Ids;
import io.learngrid.http.Input;
import io.learngrid.http.jobs.JobRoutes;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * CSV exports of a course: its teacher (or an admin) queues an {@code export} job, and the job's
 * owner downloads the file it wrote from the result's {@code downloadUrl}. The download is
 * streamed a stored chunk at a time, with one chunk in flight: the next one is asked for only once
 * the previous one is written and the connection has taken it (the write queue drained), so a slow
 * client holds one chunk of this node's memory, not the file.
 */
public final class ExportRoutes {

  private static final CharSequence TEXT_CSV = HttpHeaders.createOptimized("text/csv; charset=utf-8");

  private final Access access;
  private final JobRoutes jobs;
  private final BusClient persistence;

  public ExportRoutes(Vertx vertx, Access access, JobRoutes jobs, long busTimeout) {
    this.access = access;
    this.jobs = jobs;
    this.persistence = new BusClient(vertx, busTimeout);
  }

  /** The contract has checked kind and format (their enums); what is left is who may export. */
  public void create(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    String courseId = Ids.path(ctx, "courseId", "course");
    Input input = Input.of(ctx);
    String kind = input.text("kind");
    String format = input.text("format");
    input.validate();
    access.owned(caller, courseId, true).onComplete(
        owned -> jobs.queue(ctx, caller, JobKinds.EXPORT, new ExportCourse(courseId, kind, format).toJson()),
        ctx::fail);
  }

  /** Only the job's owner: to anyone else, as after expiry, the file does not exist (404). */
  public void download(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    String jobId = Ids.path(ctx, "jobId", "export");
    persistence.request(GetExportFile.ENDPOINT, new GetExportFile(jobId, caller.id())).onComplete(
        file -> send(ctx, ctx.response(), jobId, caller.id(), file, 0),
        ctx::fail);
  }

  /** The headers go with the first chunk: until it is read, a failure is still an ordinary problem reply. */
  private static void head(HttpServerResponse response, ExportFile file) {
    response.setChunked(false)
        .putHeader(HttpHeaders.CONTENT_TYPE, TEXT_CSV)
        .putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(file.bytes()))
        .putHeader(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + file.filename() + "\"")
        // No compression: it would replace the Content-Length that lets the client check it got the whole file.
        .putHeader(HttpHeaders.CONTENT_ENCODING, HttpHeaders.IDENTITY)
        .putHeader(HttpHeaders.CACHE_CONTROL, "private, no-store");
  }

  /** Chunk {@code seq} and then the next, each asked for once the previous one is on its way. */
  private void send(RoutingContext ctx, HttpServerResponse response, String jobId, String callerId, ExportFile file,
                    int seq) {
    if (seq >= file.chunks()) {
      if (seq == 0) {
        head(response, file);
      }
      response.end();
      return;
    }
    persistence.request(ReadExportChunk.ENDPOINT, new ReadExportChunk(jobId, callerId, seq)).onComplete(chunk -> {
      if (response.closed()) {
        return; // the client went away: nothing more is read
      }
      if (seq == 0) {
        head(response, file);
      }
      response.write(Buffer.buffer(chunk.bytes()));
      if (response.writeQueueFull()) {
        response.drainHandler(drained -> send(ctx, response, jobId, callerId, file, seq + 1));
      } else {
        send(ctx, response, jobId, callerId, file, seq + 1);
      }
    }, failure -> {
      // Once the first chunk is out, the failure handler cuts the connection: the client sees
      // fewer bytes than Content-Length said, never a file that looks complete.
      ctx.fail(failure);
    });
  }
}
