package io.learngrid.support;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Python side of the bridge tests: a Python with the official {@code openai} SDK, and the
 * worker library of {@code workers/python} on its path. {@code -Dlearngrid.python=<python>} names
 * one (.ci/run passes the venv it made); otherwise a venv is made once under {@code target/} with
 * {@code python3 -m venv} and {@code pip install openai} (from the machine's package index).
 */
public final class PythonWorkers {

  private static Path python;

  private PythonWorkers() {}

  /** {@code workers/python}, the library's and its tests' root. */
  public static Path root() {
    return Path.of("..", "workers", "python").toAbsolutePath().normalize();
  }

  public static synchronized Path python() throws IOException, InterruptedException {
    if (python != null) {
      return python;
    }
    String given = System.getProperty("learngrid.python");
    if (given != null && !given.isBlank()) {
      return python = Path.of(given);
    }
    Path venv = Path.of("target", "python-venv").toAbsolutePath();
    Path bin = venv.resolve("bin").resolve("python");
    if (!Files.exists(venv.resolve("openai-installed"))) {
      run(List.of("python3", "-m", "venv", "--clear", venv.toString()), 120);
      // One retry: an index that cannot be reached (PyPI where only a local index is) is skipped fast.
      run(List.of(bin.toString(), "-m", "pip", "install", "--quiet", "--retries", "1", "openai"), 600);
      Files.createFile(venv.resolve("openai-installed"));
    }
    return python = bin;
  }

  /** {@code python -m <module>} in workers/python, the library on its path, output to {@code log}. */
  public static Process start(String module, Map<String, String> env, Path log) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(python().toString(), "-m", module).directory(root().toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().keySet().removeIf(key -> key.startsWith("LEARNGRID_"));
    builder.environment().put("PYTHONPATH", root().toString());
    builder.environment().put("PYTHONUNBUFFERED", "1");
    builder.environment().putAll(env);
    return builder.start();
  }

  private static void run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
    File log = Files.createTempFile("python-setup", ".log").toFile();
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException(String.join(" ", command) + " did not finish within " + timeoutSeconds + " s");
    }
    if (process.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed (" + process.exitValue() + "): "
          + Files.readString(log.toPath()));
    }
  }
}
