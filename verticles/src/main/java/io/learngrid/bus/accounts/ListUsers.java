package io.learngrid.bus.accounts;

import io.learngrid.bus.BusMessage;
import io.learngrid.bus.Endpoint;

/**
 * One page of accounts by id (erased ones left out): {@code q} a case-insensitive prefix of the
 * email or the name, {@code role} and {@code status} exact (each null: any). Replies {@link UserList}.
 */
public record ListUsers(String q, String role, String status, String afterId, int limit) implements BusMessage {
  public static final String ADDRESS = "learngrid.users.list";
  public static final Endpoint<ListUsers, UserList> ENDPOINT = Endpoint.of(ADDRESS, ListUsers.class, UserList.class);
}
