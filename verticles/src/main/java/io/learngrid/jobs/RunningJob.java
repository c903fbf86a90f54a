package io.learngrid.jobs;

import io.learngrid.bus.BusClient;
import io.learngrid.bus.jobs.ClaimedJobs;
import io.learngrid.bus.jobs.ReportJobProgress;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** One attempt of a claimed job, as its handler sees it. */
public final class RunningJob {

  private final ClaimedJobs.Claimed claim;
  private final BusClient persistence;

  RunningJob(ClaimedJobs.Claimed claim, BusClient persistence) {
    this.claim = claim;
    this.persistence = persistence;
  }

  public String id() {
    return claim.id();
  }

  public String ownerId() {
    return claim.ownerId();
  }

  public String kind() {
    return claim.kind();
  }

  public JsonObject input() {
    return claim.input();
  }

  /** 1 for the first attempt. */
  public int attempt() {
    return claim.attempt();
  }

  public int maxAttempts() {
    return claim.maxAttempts();
  }

  /** Why the previous attempt failed; null on a first attempt. */
  public String lastError() {
    return claim.lastError();
  }

  /** The claim's fence: an update matching {@code jobs.lease_token} to it succeeds only while this attempt holds the job. */
  public String leaseToken() {
    return claim.leaseToken();
  }

  /**
   * Shows {@code done} of {@code total} on the job while it runs. Fails with CONFLICT once the lease
   * is lost: the attempt should stop, another one has the job.
   */
  public Future<Void> progress(long done, long total) {
    return persistence.request(ReportJobProgress.ENDPOINT, new ReportJobProgress(id(), leaseToken(), done, total))
        .mapEmpty();
  }
}
