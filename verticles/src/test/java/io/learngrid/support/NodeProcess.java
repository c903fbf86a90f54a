package io.learngrid.support;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A production node in a JVM of its own (the tests' classpath, Hazelcast's --add-opens flags),
 * for a test that kills one for real with SIGKILL: nothing in it gets to hand anything back.
 */
public final class NodeProcess {

  private NodeProcess() {}

  /**
   * Starts {@code io.learngrid.Main run --cluster --roles <roles>} with {@code -Xmx<heap>} and
   * only the given {@code LEARNGRID_*} settings (keys without the prefix); its output goes to a
   * file under the tests' scratch directory, whose path is printed.
   */
  public static Process start(String name, String roles, String heap, Map<String, String> settings) throws IOException {
    Path log = Files.createTempFile(TestServices.scratch(name), name, ".log");
    System.out.println(name + " node's log: " + log);
    return start(log, roles, heap, settings);
  }

  /**
   * As above, its output to {@code log}. An OutOfMemoryError ends the JVM at once, so a test that
   * caps the heap sees the failure instead of a node limping on.
   */
  public static Process start(Path log, String roles, String heap, Map<String, String> settings) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    for (String argument : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (argument.startsWith("--add-") || argument.startsWith("--enable-native-access")) {
        command.add(argument);
      }
    }
    command.addAll(List.of("-Xmx" + heap, "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"), "io.learngrid.Main",
        "run", "--cluster", "--roles", roles));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(key -> key.startsWith("LEARNGRID_"));
    env.put("LEARNGRID_DATA_DIR", log.getParent().toString() + File.separator + "data");
    settings.forEach((key, value) -> env.put(key.startsWith("LEARNGRID_") ? key : "LEARNGRID_" + key, value));
    return builder.start();
  }
}
