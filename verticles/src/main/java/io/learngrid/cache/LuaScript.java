package io.learngrid.cache;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One Lua script of {@code resources/redis/}, with the SHA-1 of its text. Redis names a loaded
 * script by exactly that digest, so a call can go out as {@code EVALSHA} at once, without waiting
 * for {@code SCRIPT LOAD}'s reply, and without sending the text on every call.
 */
record LuaScript(String name, String text, String sha) {

  /** Reads {@code /redis/<name>.lua} from the classpath; a missing script is a build error, so it fails loudly. */
  static LuaScript named(String name) {
    String path = "/redis/" + name + ".lua";
    try (InputStream in = LuaScript.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("no Lua script " + path + " on the classpath");
      }
      byte[] bytes = in.readAllBytes();
      return new LuaScript(name, new String(bytes, StandardCharsets.UTF_8),
          HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes)));
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + path, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-1", e);
    }
  }
}
