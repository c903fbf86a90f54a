package io.learngrid.cluster;

import io.learngrid.config.Role;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/** What a node knows about itself: identity, roles, and whether it is ready to serve. */
public final class NodeState {

  private final String nodeId = UUID.randomUUID().toString();
  private final Instant startedAt = Instant.now();
  private final List<String> roles;
  private final String httpAddress;
  private final boolean clustered;
  private final AtomicBoolean ready = new AtomicBoolean();

  public NodeState(Set<Role> roles, String httpAddress, boolean clustered) {
    this.roles = roles.stream().map(Role::id).toList();
    this.httpAddress = httpAddress;
    this.clustered = clustered;
  }

  public String nodeId() {
    return nodeId;
  }

  public Instant startedAt() {
    return startedAt;
  }

  public List<String> roles() {
    return roles;
  }

  public String httpAddress() {
    return httpAddress;
  }

  public boolean clustered() {
    return clustered;
  }

  public boolean ready() {
    return ready.get();
  }

  public void ready(boolean value) {
    ready.set(value);
  }
}
