package io.learngrid.bus.exports;

import io.learngrid.bus.BusMessage;

/**
 * Reply to {@link GetExportFile}: the download's name, its data rows (the header not counted), its
 * size in bytes and how many chunks ({@link ReadExportChunk} seq 0 to chunks - 1) hold them.
 */
public record ExportFile(String filename, long rows, long bytes, int chunks) implements BusMessage {}
