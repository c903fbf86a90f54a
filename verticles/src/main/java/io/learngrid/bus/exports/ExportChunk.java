package io.learngrid.bus.exports;

import io.learngrid.bus.BusMessage;
import java.util.Base64;

/**
 * Reply to {@link ReadExportChunk}: the chunk's bytes as a standard base64 string (the bus carries
 * plain JSON only, so a peer in any language can read it).
 */
public record ExportChunk(String data) implements BusMessage {

  public static ExportChunk of(byte[] bytes) {
    return new ExportChunk(Base64.getEncoder().encodeToString(bytes));
  }

  public byte[] bytes() {
    return Base64.getDecoder().decode(data);
  }
}
