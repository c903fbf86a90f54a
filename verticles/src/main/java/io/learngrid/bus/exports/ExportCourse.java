package io.learngrid.bus.exports;

import io.learngrid.bus.BusMessage;
import java.util.Set;

/**
 * The input of an {@code export} job (its owner is the job's): a CSV of {@code courseId}'s
 * gradebook (one line per enrolled student) or answers (one line per answer event). The job's
 * result is {@code {downloadUrl, rows, bytes}}; the file is read through {@link GetExportFile} and
 * {@link ReadExportChunk}.
 */
public record ExportCourse(String courseId, String kind, String format) implements BusMessage {
  public static final String GRADEBOOK = "gradebook";
  public static final String ANSWERS = "answers";
  public static final Set<String> KINDS = Set.of(GRADEBOOK, ANSWERS);
  public static final String CSV = "csv";
}
