package io.learngrid.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates for the tests of TLS to PostgreSQL and Redis, made by bin/tls-selfsigned, the script
 * operators use, so that what the tests trust is what the script writes.
 */
public final class TestTls {

  private static final Path SCRIPT = Path.of("..", "bin", "tls-selfsigned").toAbsolutePath().normalize();

  private TestTls() {}

  /**
   * A fresh CA and a server certificate for {@code names} (the script's defaults when none) in a
   * scratch directory: {@code ca.pem}, {@code fullchain.pem}, {@code privkey.pem} and the rest.
   */
  public static Path selfSigned(String name, String... names) {
    Path dir = TestServices.scratch(name);
    List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString(), dir.toString()));
    command.addAll(List.of(names));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("bin/tls-selfsigned failed: " + output);
      }
      return dir;
    } catch (IOException e) {
      throw new IllegalStateException("bin/tls-selfsigned did not run: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running bin/tls-selfsigned", e);
    }
  }
}
