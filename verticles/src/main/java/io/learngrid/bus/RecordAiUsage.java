package io.learngrid.bus;

import java.util.List;

/** A batch of {@link AiUsage} rows to insert (ai role → persistence role); replies {@link Done}. */
public record RecordAiUsage(List<AiUsage> entries) implements BusMessage {
  public static final String ADDRESS = "learngrid.persistence.ai-usage";
}
