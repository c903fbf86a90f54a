package io.learngrid.bus.cache;

import io.learngrid.bus.BusMessage;
import java.util.List;

/** Reply to {@link RateChecks}: one decision per check, in the checks' order. */
public record RateDecisions(List<RateDecision> decisions) implements BusMessage {}
