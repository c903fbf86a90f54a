package io.learngrid.dev;

import com.sun.security.auth.module.UnixSystem;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server from the binaries that io.zonky.test.postgres ships on Maven Central,
 * for the dev node and the tests. PostgreSQL refuses to run as root; when we are root (CI, many
 * containers) the server runs in a user namespace, where it is an unprivileged user that still
 * owns its files.
 */
public final class EmbeddedPostgres implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgres.class);
  private static final String ARCHIVE = "/postgres-linux-x86_64.txz";

  private final Path bin;
  private final Path data;
  private final int port;
  private final List<String> settings;
  private final String extraOptions;

  private EmbeddedPostgres(Path bin, Path data, int port, List<String> settings, String extraOptions) {
    this.bin = bin;
    this.data = data;
    this.port = port;
    this.settings = List.copyOf(settings);
    this.extraOptions = extraOptions == null ? "" : extraOptions.trim();
  }

  /** Starts a server on 127.0.0.1:{@code port} over {@code data}, creating the cluster if new. */
  public static EmbeddedPostgres start(Path binaries, Path data, int port) throws IOException {
    return start(binaries, data, port, List.of(), "");
  }

  /**
   * As {@link #start(Path, Path, int)}, with server settings of its own ({@code name=value}, each
   * passed as {@code -c}; no spaces or quotes): a test's {@code ssl=on}, say.
   */
  public static EmbeddedPostgres start(Path binaries, Path data, int port, List<String> settings) throws IOException {
    return start(binaries, data, port, settings, "");
  }

  /**
   * As {@link #start(Path, Path, int)}, with {@code extraOptions} appended to the server's command
   * line (pg_ctl -o, read by a shell: {@code -c archive_mode=on -c archive_command='...'}).
   */
  public static EmbeddedPostgres start(Path binaries, Path data, int port, String extraOptions) throws IOException {
    return start(binaries, data, port, List.of(), extraOptions);
  }

  private static EmbeddedPostgres start(Path binaries, Path data, int port, List<String> settings, String extraOptions)
      throws IOException {
    Path bin = unpack(binaries).resolve("bin");
    EmbeddedPostgres postgres = new EmbeddedPostgres(bin, data, port, settings, extraOptions);
    if (!Files.exists(data.resolve("PG_VERSION"))) {
      Files.createDirectories(data.getParent());
      postgres.run("initdb", "-A", "trust", "-U", "postgres", "-D", data.toString(), "-E", "UTF-8", "--no-locale");
    } else if (postgres.exitCode("pg_ctl", "status", "-D", data.toString()) == 0) {
      // Left over by a node that was killed: it is ours, so stop it rather than fail.
      postgres.stop();
    }
    postgres.start();
    return postgres;
  }

  /** Starts the server again after {@link #stop()}, on the same port and data. */
  public void start() throws IOException {
    StringBuilder options = new StringBuilder("-p " + port + " -h 127.0.0.1 -c unix_socket_directories='' -c max_connections=300");
    for (String setting : settings) {
      options.append(" -c ").append(setting);
    }
    run("pg_ctl", "-D", data.toString(), "-l", data.resolveSibling(data.getFileName() + ".log").toString(),
        "-w", "-t", "60", "-o", (options + " " + extraOptions).trim(), "start");
    LOG.info("PostgreSQL started on 127.0.0.1:" + port + " with data in " + data);
  }

  public String url() {
    return "postgresql://postgres@127.0.0.1:" + port + "/postgres";
  }

  public int port() {
    return port;
  }

  public void stop() throws IOException {
    if (exitCode("pg_ctl", "status", "-D", data.toString()) != 0) {
      return;
    }
    run("pg_ctl", "-D", data.toString(), "-w", "-t", "60", "-m", "fast", "stop");
  }

  @Override
  public void close() throws IOException {
    stop();
    LOG.info("PostgreSQL stopped");
  }

  private void run(String... command) throws IOException {
    int exit = exitCode(command);
    if (exit != 0) {
      throw new IOException(command[0] + " failed with exit code " + exit + " (see " + data.getParent() + ")");
    }
  }

  private int exitCode(String... command) throws IOException {
    List<String> line = new ArrayList<>();
    if (isRoot()) {
      line.add("unshare");
      line.add("--user");
    }
    line.add(bin.resolve(command[0]).toString());
    line.addAll(List.of(command).subList(1, command.length));
    Path log = data.resolveSibling(data.getFileName() + "-" + command[0] + ".out");
    Process process = new ProcessBuilder(line)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    try {
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(command[0] + " did not finish within 120 s");
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + command[0], e);
    }
  }

  private static boolean isRoot() {
    return new UnixSystem().getUid() == 0;
  }

  /** Unpacks the archive once per directory; a marker file says the unpacking finished. */
  private static Path unpack(Path directory) throws IOException {
    // Normalized, or a "./" in the given path would make every entry look as if it escaped.
    Path target = directory.toAbsolutePath().normalize();
    Path done = target.resolve(".unpacked");
    if (Files.exists(done)) {
      return target;
    }
    Path staging = Files.createDirectories(target.getParent()).resolve(target.getFileName() + ".tmp-" + ProcessHandle.current().pid());
    try (InputStream archive = EmbeddedPostgres.class.getResourceAsStream(ARCHIVE)) {
      if (archive == null) {
        throw new IOException("PostgreSQL binaries " + ARCHIVE + " are not on the classpath (linux-amd64 only)");
      }
      try (TarArchiveInputStream tar = new TarArchiveInputStream(
          new XZCompressorInputStream(new BufferedInputStream(archive)))) {
        TarArchiveEntry entry;
        while ((entry = tar.getNextEntry()) != null) {
          Path path = staging.resolve(entry.getName()).normalize();
          if (!path.startsWith(staging)) {
            throw new IOException("archive entry escapes the target: " + entry.getName());
          }
          if (entry.isDirectory()) {
            Files.createDirectories(path);
          } else if (entry.isSymbolicLink()) {
            Files.createDirectories(path.getParent());
            Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
          } else {
            Files.createDirectories(path.getParent());
            Files.copy(tar, path, StandardCopyOption.REPLACE_EXISTING);
            if ((entry.getMode() & 0100) != 0) {
              path.toFile().setExecutable(true, false);
            }
          }
        }
      }
    }
    Files.createFile(staging.resolve(".unpacked"));
    try {
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException raced) {
      // Another process unpacked the same version first; its copy is as good as ours.
      if (!Files.exists(done)) {
        throw raced;
      }
    }
    return target;
  }
}
