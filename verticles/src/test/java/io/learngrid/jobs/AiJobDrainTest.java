package io.learngrid.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.Api;
import io.learngrid.support.Api.Account;
import io.learngrid.support.Database;
import io.learngrid.support.Eventually;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.ScriptedUpstream;
import io.learngrid.support.TestNode;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A node that stops while it runs an AI job")
class AiJobDrainTest {

  @Test
  @DisplayName("hands the job back to the queue, with the interrupted attempt not counted")
  void stoppingNodeHandsBack() throws Exception {
    try (ScriptedUpstream hanging = new ScriptedUpstream(new ScriptedUpstream.Hang())) {
      TestNode node = NodeSettings.defaults().aiUrl(hanging.url())
          // Long enough that only the hand-back, not the lease running out, can queue the job again.
          .aiJobsLeaseMillis(600_000)
          // The ai role's drain waits for the chat call in hand, which hangs here: bound it, the hand-back is the subject.
          .shutdownTimeoutMillis(1000)
          .start();
      String jobId;
      try {
        Api api = node.api();
        Account teacher = api.account("teacher");
        jobId = api.post("/api/v1/ai/questions", AiJobsTest.questionsRequest(2), teacher.token()).json()
            .getString("jobId");
        Eventually.within(30, () -> hanging.requests() == 1);
        assertThat(api.get("/api/v1/jobs/" + jobId, teacher.token()).json().getString("status")).isEqualTo("running");
      } finally {
        node.close();
      }
      // Touches the row only in the state the hand-back leaves it in: queued, no attempt counted, no lease.
      assertThat(Database.update("UPDATE jobs SET error = error WHERE id = ? AND status = 'queued' AND attempts = 0"
          + " AND lease_token IS NULL", UUID.fromString(jobId))).isEqualTo(1);
      // Queued, it would be claimed by the next test class's ai role (the tests share one database).
      Database.update("DELETE FROM jobs WHERE id = ?", UUID.fromString(jobId));
    }
  }
}
