package io.learngrid.bridge;

import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON Schemas of the bridgeable messages (docs/event-bus/, copied into the jar), one per
 * address: the request, and its reply under {@code $defs.reply}. A worker in any language checks
 * what it sends against them; BusSchemasTest holds them against the Java records.
 */
public final class BusSchemas {

  private BusSchemas() {}

  /** Address → its schema's bytes. Reads the classpath: call it on a worker thread. */
  public static Map<String, Buffer> load() throws IOException {
    Map<String, Buffer> schemas = new LinkedHashMap<>();
    for (String address : BridgeVerticle.INBOUND) {
      try (InputStream in = BusSchemas.class.getResourceAsStream("/event-bus/" + address + ".json")) {
        if (in == null) {
          throw new IOException("the schema of " + address + " is missing from the classpath (docs/event-bus/)");
        }
        schemas.put(address, Buffer.buffer(in.readAllBytes()));
      }
    }
    return Map.copyOf(schemas);
  }
}
