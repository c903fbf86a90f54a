package io.learngrid.bus.accounts;

import io.learngrid.bus.BusMessage;
import java.util.List;

/** Reply to {@link ListUsers}, in id order. */
public record UserList(List<User> items) implements BusMessage {}
