package io.learngrid.bus;

import io.vertx.core.json.JsonObject;

/** A record that travels on the event bus as a plain JSON object. */
public interface BusMessage {

  default JsonObject toJson() {
    return BusJson.toJson(this);
  }
}
