package io.learngrid.jobs;

/**
 * Why a job's attempt failed, worded for its owner ("the AI upstream is unavailable: …"), and
 * whether another attempt may help ({@code retry} false for input that will be refused again).
 */
public final class JobFailure extends RuntimeException {

  private final boolean retry;

  public JobFailure(String reason, boolean retry) {
    super(reason, null, false, false);
    this.retry = retry;
  }

  public boolean retry() {
    return retry;
  }
}
