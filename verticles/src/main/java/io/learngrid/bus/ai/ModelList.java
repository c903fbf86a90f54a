package io.learngrid.bus.ai;

import io.learngrid.bus.BusMessage;
import java.util.List;

/** Reply to {@link ListModels}: model names, the default first, each once. */
public record ModelList(List<String> models) implements BusMessage {}
