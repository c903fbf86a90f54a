package io.learngrid;

import java.lang.reflect.InvocationTargetException;

/**
 * The jar's Main-Class, compiled for Java 8 (its own compiler execution in verticles/pom.xml) so
 * that an old {@code java} reads it and says what is wrong, instead of failing on the first class
 * of the node with an {@code UnsupportedClassVersionError}. On Java 21 or newer it hands over to
 * {@link Main}; nothing else belongs here, since this file cannot use anything newer than Java 8.
 */
public final class Launcher {

  private static final int REQUIRED = 21;

  private Launcher() {}

  public static void main(String[] args) throws Throwable {
    String version = System.getProperty("java.specification.version", "0");
    if (major(version) < REQUIRED) {
      System.err.println("learngrid needs Java " + REQUIRED + " or newer; found " + version
          + " (" + System.getProperty("java.home") + ").");
      System.err.println("Set JAVA_HOME to a JDK " + REQUIRED + "+ or, in a checkout, run ./learngrid, which finds one.");
      System.exit(1);
    }
    try {
      Class.forName("io.learngrid.Main").getMethod("main", String[].class).invoke(null, (Object) args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /** "1.8" is 8, "17" is 17; anything unreadable counts as too old. */
  static int major(String specificationVersion) {
    String version = specificationVersion.startsWith("1.") ? specificationVersion.substring(2) : specificationVersion;
    int dot = version.indexOf('.');
    try {
      return Integer.parseInt(dot < 0 ? version : version.substring(0, dot));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
