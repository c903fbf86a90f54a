package io.learngrid.bus.accounts;

import io.learngrid.bus.BusMessage;
import java.util.List;

/** Reply to {@link ListRevocations}: the revocations still in force. */
public record RevocationList(List<Revocation> items) implements BusMessage {}
