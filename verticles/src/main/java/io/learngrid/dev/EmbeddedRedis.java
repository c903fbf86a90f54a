package io.learngrid.dev;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;

/** A real redis-server (shipped in com.github.codemonstur:embedded-redis) on 127.0.0.1. */
public final class EmbeddedRedis implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRedis.class);

  private final RedisServer server;
  private final int port;

  private EmbeddedRedis(RedisServer server, int port) {
    this.server = server;
    this.port = port;
  }

  /** Keeps its append-only file in {@code dir}, so cached entries survive a restart like a real one. */
  public static EmbeddedRedis start(Path dir, int port) throws IOException {
    Files.createDirectories(dir);
    RedisServer server = RedisServer.newRedisServer()
        .port(port)
        .bind("127.0.0.1")
        .setting("dir " + dir.toAbsolutePath())
        .setting("appendonly yes")
        .setting("maxmemory 256mb")
        .setting("maxmemory-policy allkeys-lru")
        .setting("save \"\"")
        .build();
    EmbeddedRedis redis = new EmbeddedRedis(server, port);
    redis.start();
    return redis;
  }

  public void start() throws IOException {
    server.start();
    LOG.info("Redis started on 127.0.0.1:" + port);
  }

  public void stop() throws IOException {
    server.stop();
    LOG.info("Redis stopped");
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  @Override
  public void close() throws IOException {
    stop();
  }
}
