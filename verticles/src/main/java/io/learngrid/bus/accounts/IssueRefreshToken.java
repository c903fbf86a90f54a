package io.learngrid.bus.accounts;

import io.learngrid.bus.Endpoint;
import io.learngrid.bus.BusMessage;

/** Starts a new refresh-token family for a login; replies {@link RefreshToken}. */
public record IssueRefreshToken(String userId) implements BusMessage {
  public static final String ADDRESS = "learngrid.auth.refresh-tokens.issue";
  public static final Endpoint<IssueRefreshToken, RefreshToken> ENDPOINT = Endpoint.of(ADDRESS, IssueRefreshToken.class, RefreshToken.class);
}
