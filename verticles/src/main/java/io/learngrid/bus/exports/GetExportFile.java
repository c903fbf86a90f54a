package io.learngrid.bus.exports;

import io.learngrid.bus.BusMessage;
import io.learngrid.bus.Endpoint;

/**
 * The file an export job wrote, as its owner {@code callerId} may download it; replies
 * {@link ExportFile}, or NOT_FOUND when there is none, it expired or it is someone else's.
 */
public record GetExportFile(String jobId, String callerId) implements BusMessage {
  public static final String ADDRESS = "learngrid.exports.file";
  public static final Endpoint<GetExportFile, ExportFile> ENDPOINT =
      Endpoint.of(ADDRESS, GetExportFile.class, ExportFile.class);
}
