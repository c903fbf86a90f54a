// The revocation check alone, in a loop (load/bench-revocation.sh measures it inside whole requests,
// where this machine's noise hides it). Run from the checkout, after ./mvnw package:
//
//   $JAVA_HOME/bin/java -cp verticles/target/learngrid.jar load/RevocationCheckCost.java
//
// It reaches package-private methods by reflection (a measurement tool, not part of the node):
// claims of a real token, Tokens.wellFormed and Revocations.revoked with 1,000 user instants and
// 1,000 denied jtis in the maps; then, for scale, the HS256 verification every request pays anyway.
import io.learngrid.config.LearngridConfig;
import io.learngrid.http.auth.Revocations;
import io.learngrid.http.auth.Tokens;
import io.learngrid.bus.accounts.Revocation;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.Method;
import java.time.Instant;
import java.util.UUID;

public class RevocationCheckCost {
  public static void main(String[] args) throws Throwable {
    Vertx vertx = Vertx.vertx();
    LearngridConfig.Auth auth = new LearngridConfig.Auth("x".repeat(40), 900, 4, null, null, true);
    Tokens tokens = new Tokens(vertx, auth);
    Revocations rev = new Revocations(vertx, tokens, true, 1000, 30000);
    Method apply = Revocations.class.getDeclaredMethod("apply", Revocation.class); apply.setAccessible(true);
    for (int i = 0; i < 1000; i++) {
      apply.invoke(rev, new Revocation(UUID.randomUUID().toString(), Instant.now().toString(), UUID.randomUUID().toString(),
          Instant.now().plusSeconds(900).toString()));
    }
    Method issue = Tokens.class.getDeclaredMethod("issue", String.class, String.class, String.class); issue.setAccessible(true);
    JsonObject login = (JsonObject) issue.invoke(tokens, UUID.randomUUID().toString(), "teacher", "r");
    String token = login.getString("accessToken");
    var user = tokens.provider().authenticate(new io.vertx.ext.auth.authentication.TokenCredentials(token))
        .toCompletionStage().toCompletableFuture().get();
    Method claimsM = Tokens.class.getDeclaredMethod("claims", io.vertx.ext.auth.User.class); claimsM.setAccessible(true);
    Method wellFormed = Tokens.class.getDeclaredMethod("wellFormed", JsonObject.class, long.class); wellFormed.setAccessible(true);
    Method revoked = Revocations.class.getDeclaredMethod("revoked", JsonObject.class); revoked.setAccessible(true);
    // Direct lambdas via MethodHandles to avoid reflection overhead in the loop.
    var lookup = java.lang.invoke.MethodHandles.privateLookupIn(Tokens.class, java.lang.invoke.MethodHandles.lookup());
    var wf = lookup.unreflect(wellFormed);
    var rv = java.lang.invoke.MethodHandles.privateLookupIn(Revocations.class, java.lang.invoke.MethodHandles.lookup()).unreflect(revoked);
    var cl = lookup.unreflect(claimsM);
    long sink = 0;
    for (int round = 0; round < 5; round++) {
      int n = 5_000_000;
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        JsonObject c = (JsonObject) cl.invoke(user);
        boolean ok = (boolean) wf.invoke(tokens, c, System.currentTimeMillis()) && !(boolean) rv.invoke(rev, c);
        if (ok) sink++;
      }
      long t1 = System.nanoTime();
      System.out.printf("round %d: %.1f ns per check (accepted %d)%n", round, (t1 - t0) / (double) n, sink);
      sink = 0;
    }
    // And the JWT verification the node does anyway, for scale.
    int m = 200_000;
    long t0 = System.nanoTime();
    for (int i = 0; i < m; i++) {
      tokens.provider().authenticate(new io.vertx.ext.auth.authentication.TokenCredentials(token)).toCompletionStage().toCompletableFuture().get();
    }
    System.out.printf("HS256 verification for scale: %.1f ns per token%n", (System.nanoTime() - t0) / (double) m);
    vertx.close();
  }
}
