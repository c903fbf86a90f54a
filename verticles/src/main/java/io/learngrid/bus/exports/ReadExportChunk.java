package io.learngrid.bus.exports;

import io.learngrid.bus.BusMessage;
import io.learngrid.bus.Endpoint;

/**
 * Chunk {@code seq} (from 0) of the export file of job {@code jobId}, for its owner
 * {@code callerId}; replies {@link ExportChunk}, or NOT_FOUND as {@link GetExportFile} does (and for
 * a seq past the last chunk).
 */
public record ReadExportChunk(String jobId, String callerId, int seq) implements BusMessage {
  public static final String ADDRESS = "learngrid.exports.chunk";
  public static final Endpoint<ReadExportChunk, ExportChunk> ENDPOINT =
      Endpoint.of(ADDRESS, ReadExportChunk.class, ExportChunk.class);
}
