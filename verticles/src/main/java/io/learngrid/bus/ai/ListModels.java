package io.learngrid.bus.ai;

import io.learngrid.bus.BusMessage;
import io.learngrid.bus.Endpoint;

/** The models the ai role serves (GET /v1/models): the default one, then every upstream's. Replies {@link ModelList}. */
public record ListModels() implements BusMessage {
  public static final String ADDRESS = "learngrid.ai.models";
  public static final Endpoint<ListModels, ModelList> ENDPOINT = Endpoint.of(ADDRESS, ListModels.class, ModelList.class);
}
