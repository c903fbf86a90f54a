package io.learngrid.bus;

/** Starts a new refresh-token family for a login; replies {@link RefreshToken}. */
public record IssueRefreshToken(String userId) implements BusMessage {
  public static final String ADDRESS = "learngrid.auth.refresh-tokens.issue";
}
