package io.learngrid.persistence;

import io.learngrid.bus.BusError;
import io.learngrid.bus.exports.ExportChunk;
import io.learngrid.bus.exports.ExportFile;
import io.learngrid.bus.exports.GetExportFile;
import io.learngrid.bus.exports.ReadExportChunk;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/**
 * The files {@link CourseExports} wrote, read back a chunk at a time for their download. Only the
 * owner sees a file, and only until it expires: to anyone else, and after {@code expires_at}, it
 * does not exist (retention deletes it within the hour after; the expiry here is exact).
 */
final class ExportStore {

  private static final String FILE = """
      SELECT f.filename, f.rows, f.bytes, (SELECT count(*) FROM export_chunks c WHERE c.job_id = f.job_id)::int AS chunks
      FROM export_files f
      WHERE f.job_id = $1 AND f.owner_id = $2 AND f.expires_at > now()""";
  private static final String CHUNK = """
      SELECT c.data FROM export_chunks c JOIN export_files f ON f.job_id = c.job_id
      WHERE c.job_id = $1 AND c.seq = $3 AND f.owner_id = $2 AND f.expires_at > now()""";

  private final Pool pool;

  ExportStore(Pool pool) {
    this.pool = pool;
  }

  Future<Void> serve(Vertx vertx) {
    return Future.all(
        Rows.serve(vertx, GetExportFile.ENDPOINT, this::file),
        Rows.serve(vertx, ReadExportChunk.ENDPOINT, this::chunk)).mapEmpty();
  }

  Future<ExportFile> file(GetExportFile request) {
    Tuple key = Tuple.of(Rows.id(request.jobId(), "export"), Rows.id(request.callerId(), "export"));
    return pool.preparedQuery(FILE).execute(key).compose(rows -> Rows.one(rows, row -> new ExportFile(
        row.getString("filename"), row.getLong("rows"), row.getLong("bytes"), row.getInteger("chunks")),
        "export not found"));
  }

  Future<ExportChunk> chunk(ReadExportChunk request) {
    if (request.seq() < 0) {
      return Future.failedFuture(BusError.NOT_FOUND.exception("export not found"));
    }
    Tuple key = Tuple.of(Rows.id(request.jobId(), "export"), Rows.id(request.callerId(), "export"), request.seq());
    return pool.preparedQuery(CHUNK).execute(key)
        .compose(rows -> Rows.one(rows, row -> ExportChunk.of(row.getBuffer("data").getBytes()), "export not found"));
  }
}
