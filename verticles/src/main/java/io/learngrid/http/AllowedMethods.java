package io.learngrid.http;

import io.vertx.ext.web.Route;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The methods the route table serves on each path, for the {@code Allow} header of a 405 (RFC 9110
 * §15.5.6). The router alone cannot tell a 405: the catch-all budget route on {@code /api/v1/*}
 * matches every method, so a wrong method on a known path reaches the 404 handler, which asks here.
 */
final class AllowedMethods {

  private final Map<Pattern, TreeSet<String>> byPath = new LinkedHashMap<>();

  AllowedMethods(List<Route> routes) {
    for (Route route : routes) {
      if (route.getPath() == null || route.methods() == null || route.methods().isEmpty()) {
        continue;
      }
      Pattern path = Pattern.compile(Pattern.quote(route.getPath()).replaceAll(":\\w+", "\\\\E[^/]+\\\\Q"));
      TreeSet<String> methods = byPath.computeIfAbsent(path, p -> new TreeSet<>());
      route.methods().forEach(method -> methods.add(method.name()));
    }
  }

  /** The methods served on {@code path}, or an empty list when no route has it (a real 404). */
  List<String> on(String path) {
    TreeSet<String> methods = new TreeSet<>();
    byPath.forEach((pattern, served) -> {
      if (pattern.matcher(path).matches()) {
        methods.addAll(served);
      }
    });
    return new ArrayList<>(methods);
  }
}
