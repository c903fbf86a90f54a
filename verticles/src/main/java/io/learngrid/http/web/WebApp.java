package io.learngrid.http.web;

import io.learngrid.http.ProblemException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * GET /app/: the web app, plain ES modules and CSS from the jar's {@code webapp/} folder, read once
 * at start (on a worker thread) and served from memory.
 *
 * <p>Caching without a build step: the page names its files under {@code /app/assets/<version>/},
 * where the version is a hash of every file, so a file's URL changes whenever any file does and
 * the files can be cached for a year ({@code immutable}); the modules import each other by relative
 * paths, which keeps them under the same version. The page itself is {@code no-cache} with an ETag
 * (a 304 when nothing changed). A request for another version (a page from a node of an older or
 * newer release behind the same balancer) gets this node's file, not cached, rather than a 404.
 */
public final class WebApp {

  private static final String ROOT = "/webapp";
  private static final String INDEX = "index.html";
  /** The placeholder in index.html that becomes {@code /app/assets/<version>}. */
  private static final String ASSETS_PLACEHOLDER = "{{assets}}";
  private static final String ASSETS_PREFIX = "/app/assets/";
  private static final String IMMUTABLE = "public, max-age=31536000, immutable";
  private static final String REVALIDATE = "no-cache";
  /**
   * Scripts and styles only from this origin (no inline script, no inline style attribute, no
   * eval), requests only to this origin's API, no framing, no plugins.
   */
  static final String CONTENT_SECURITY_POLICY = String.join("; ",
      "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self'", "connect-src 'self'",
      "manifest-src 'self'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'");
  private static final Map<String, String> TYPES = Map.of(
      "html", "text/html; charset=utf-8",
      "js", "text/javascript; charset=utf-8",
      "css", "text/css; charset=utf-8",
      "svg", "image/svg+xml",
      "png", "image/png",
      "json", "application/json");

  private record Asset(Buffer body, String type, String etag) {}

  private final String version;
  private final Asset index;
  private final Map<String, Asset> assets;

  private WebApp(String version, Asset index, Map<String, Asset> assets) {
    this.version = version;
    this.index = index;
    this.assets = assets;
  }

  /** Reads the app's files (blocking class-path and jar reads, so on a worker thread). */
  public static Future<WebApp> load(Vertx vertx) {
    return vertx.executeBlocking(WebApp::read);
  }

  private static synchronized WebApp read() throws IOException, URISyntaxException, NoSuchAlgorithmException {
    var root = WebApp.class.getResource(ROOT);
    if (root == null) {
      throw new IOException("webapp/ is missing from the classpath");
    }
    Map<String, byte[]> files = new TreeMap<>();
    URI uri = root.toURI();
    if (!"jar".equals(uri.getScheme())) {
      collect(Path.of(uri), files);
    } else {
      // The jar's file system stays open: every http verticle instance reads it at start, at once,
      // and one closing it would fail another mid-read (ClosedFileSystemException). It is this
      // process's own jar, open for the process's life anyway.
      FileSystem jar;
      try {
        jar = FileSystems.newFileSystem(uri, Map.of());
      } catch (FileSystemAlreadyExistsException e) {
        jar = FileSystems.getFileSystem(uri);
      }
      collect(jar.getPath(ROOT), files);
    }
    byte[] page = files.remove(INDEX);
    if (page == null) {
      throw new IOException("webapp/index.html is missing");
    }
    MessageDigest all = MessageDigest.getInstance("SHA-256");
    Map<String, Asset> assets = new TreeMap<>();
    for (Map.Entry<String, byte[]> file : files.entrySet()) {
      all.update(file.getKey().getBytes(StandardCharsets.UTF_8));
      all.update(file.getValue());
      assets.put(file.getKey(), asset(file.getKey(), file.getValue()));
    }
    all.update(page);
    String version = HexFormat.of().formatHex(all.digest()).substring(0, 16);
    byte[] html = new String(page, StandardCharsets.UTF_8).replace(ASSETS_PLACEHOLDER, ASSETS_PREFIX + version)
        .getBytes(StandardCharsets.UTF_8);
    return new WebApp(version, asset(INDEX, html), Map.copyOf(assets));
  }

  private static void collect(Path root, Map<String, byte[]> files) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path file : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
        String name = root.relativize(file).toString().replace('\\', '/');
        if (TYPES.containsKey(extension(name))) {
          files.put(name, Files.readAllBytes(file));
        }
      }
    }
  }

  private static Asset asset(String name, byte[] bytes) throws NoSuchAlgorithmException {
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
    return new Asset(Buffer.buffer(bytes), TYPES.get(extension(name)),
        "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"");
  }

  private static String extension(String name) {
    int dot = name.lastIndexOf('.');
    return dot < 0 ? "" : name.substring(dot + 1);
  }

  /** The hash in this release's asset URLs. */
  public String version() {
    return version;
  }

  /** GET / : the web app is the front page. */
  public static void home(RoutingContext ctx) {
    ctx.response().setStatusCode(302).putHeader(HttpHeaders.LOCATION, "/app/").end();
  }

  /** GET /app/*: the page, and /app itself redirected to /app/. */
  public void page(RoutingContext ctx) {
    String path = ctx.request().path();
    if (path.equals("/app")) {
      ctx.response().setStatusCode(301).putHeader(HttpHeaders.LOCATION, "/app/").end();
    } else if (path.equals("/app/") || path.equals("/app/index.html")) {
      write(ctx, index, REVALIDATE);
    } else {
      ctx.fail(new ProblemException(404, "no such page: the web app lives at /app/ (its pages are #/… fragments)"));
    }
  }

  /** GET /app/assets/<version>/<file>: the page's scripts, styles and icon. */
  public void asset(RoutingContext ctx) {
    String path = ctx.request().path();
    // The route matches /app/assets too, which is shorter than the prefix.
    String rest = path.length() < ASSETS_PREFIX.length() ? "" : path.substring(ASSETS_PREFIX.length());
    int slash = rest.indexOf('/');
    Asset asset = slash < 0 ? null : assets.get(rest.substring(slash + 1));
    if (asset == null) {
      ctx.fail(new ProblemException(404, "no such file of the web app"));
      return;
    }
    write(ctx, asset, rest.substring(0, slash).equals(version) ? IMMUTABLE : REVALIDATE);
  }

  private static void write(RoutingContext ctx, Asset asset, String cacheControl) {
    HttpServerResponse response = ctx.response()
        .putHeader(HttpHeaders.CACHE_CONTROL, cacheControl)
        .putHeader(HttpHeaders.ETAG, asset.etag())
        .putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("Cross-Origin-Opener-Policy", "same-origin")
        .putHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    if (asset.etag().equals(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH))) {
      response.setStatusCode(304).end();
      return;
    }
    response.putHeader(HttpHeaders.CONTENT_TYPE, asset.type()).end(asset.body());
  }
}
