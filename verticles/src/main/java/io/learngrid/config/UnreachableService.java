package io.learngrid.config;

import javax.net.ssl.SSLException;

/**
 * A service that a setting names cannot be reached when the node starts. The message is the whole
 * story on one line (the key, the address, the cause); there is no stack trace, which would show
 * only our start-up code, nor a chained cause, whose driver report runs to a screenful.
 */
public final class UnreachableService extends RuntimeException {

  public UnreachableService(String key, String service, String address, Throwable cause) {
    super(key + ": cannot connect to " + service + " at " + address + " (" + describe(cause) + ")", null, false, false);
  }

  private static String describe(Throwable cause) {
    // A refused certificate is named by the innermost cause ("unable to find valid certification
    // path", "No subject alternative names matching ..."); the outer ones wrap it in class names.
    for (Throwable c = cause; c != null; c = c.getCause()) {
      if (c instanceof SSLException) {
        Throwable root = c;
        while (root.getCause() != null && root.getCause() != root) {
          root = root.getCause();
        }
        return "TLS handshake failed: " + firstLine(root);
      }
    }
    return firstLine(cause);
  }

  private static String firstLine(Throwable cause) {
    String message = cause.getMessage();
    if (message == null || message.isBlank()) {
      return cause.getClass().getSimpleName();
    }
    // Netty's epoll transport prefixes the system call: "finishConnect(..) failed with error(-111): Connection refused".
    return message.lines().findFirst().orElse("").replaceFirst("^\\w+\\(\\.\\.\\) failed with error\\(-?\\d+\\): ", "");
  }
}
