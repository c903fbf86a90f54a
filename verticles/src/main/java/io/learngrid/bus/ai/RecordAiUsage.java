package io.learngrid.bus.ai;

import io.learngrid.bus.Endpoint;
import io.learngrid.bus.BusMessage;
import io.learngrid.bus.Done;

import java.util.List;

/** A batch of {@link AiUsage} rows to insert (ai role → persistence role); replies {@link Done}. */
public record RecordAiUsage(List<AiUsage> entries) implements BusMessage {
  public static final String ADDRESS = "learngrid.persistence.ai-usage";
  public static final Endpoint<RecordAiUsage, Done> ENDPOINT = Endpoint.of(ADDRESS, RecordAiUsage.class, Done.class);
}
