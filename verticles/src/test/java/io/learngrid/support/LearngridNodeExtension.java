package io.learngrid.support;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ExtensionContext.Store;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The extension behind {@link LearngridNode}: it resolves {@link Api} and {@link TestNode}
 * parameters to the class's node, the shared one or the class's own.
 *
 * <p>The shared node lives in the root context's store, the way vertx-junit5's VertxExtension
 * keeps its resources, and is stopped when the test run ends. Any other node a test starts
 * ({@link NodeSettings#start()}, or a class's own node) stops it first, and the next class on the
 * shared node starts it again: background work of an idle node (its AI job worker, its answer
 * aggregator, upkeep) must not reach into the rows of a test that counts on being alone.
 * {@link SharedNodeFirst} runs the shared-node classes first, so that it starts once.
 */
public final class LearngridNodeExtension implements ParameterResolver, AfterAllCallback {

  private static final Namespace NAMESPACE = Namespace.create(LearngridNodeExtension.class);

  /** The shared node, if it runs now; guarded by the class lock. */
  private static TestNode shared;

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == Api.class || type == TestNode.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    TestNode node = node(context);
    return parameter.getParameter().getType() == Api.class ? node.api() : node;
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    Exception failure = closeOwnNode(context);
    if (failure != null) {
      throw failure;
    }
  }

  /** Stops the class's own node if it has one; what went wrong, or null. */
  static Exception closeOwnNode(ExtensionContext context) {
    OwnNode own = classStore(context).remove(OwnNode.class, OwnNode.class);
    try {
      if (own != null) {
        own.close();
      }
      return null;
    } catch (Exception e) {
      return e;
    }
  }

  private static TestNode node(ExtensionContext context) {
    Class<?> testClass = context.getRequiredTestClass();
    Field settings = settingsField(testClass);
    if (settings == null) {
      context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(SharedNodeStop.class, key -> new SharedNodeStop(),
          SharedNodeStop.class);
      return sharedNode();
    }
    return classStore(context).getOrComputeIfAbsent(OwnNode.class, key -> new OwnNode(start(settings)), OwnNode.class)
        .node();
  }

  private static TestNode start(Field field) {
    NodeSettings settings;
    try {
      field.setAccessible(true);
      settings = (NodeSettings) field.get(null);
    } catch (IllegalAccessException e) {
      throw new ExtensionConfigurationException("cannot read " + field, e);
    }
    if (settings == null) {
      throw new ParameterResolutionException(field + " is null when the node is asked for: set it in the field's"
          + " initializer or in a @BeforeAll method that takes no Api or TestNode");
    }
    return settings.start();
  }

  /** The class's static NodeSettings field (looking at enclosing classes for @Nested ones), or null. */
  static Field settingsField(Class<?> testClass) {
    for (Class<?> type = testClass; type != null; type = type.getEnclosingClass()) {
      List<Field> fields = Arrays.stream(type.getDeclaredFields())
          .filter(f -> f.getType() == NodeSettings.class && Modifier.isStatic(f.getModifiers())).toList();
      if (fields.size() > 1) {
        throw new ExtensionConfigurationException(type.getName() + " has several static NodeSettings fields; a"
            + " class with several nodes starts them itself with NodeSettings.start()");
      }
      if (fields.size() == 1) {
        return fields.getFirst();
      }
    }
    return null;
  }

  /** The store of the test class's context (a test method's context ends with the method). */
  private static Store classStore(ExtensionContext context) {
    ExtensionContext classContext = context;
    while (classContext.getTestMethod().isPresent()) {
      classContext = classContext.getParent().orElseThrow();
    }
    return classContext.getStore(NAMESPACE);
  }

  private static synchronized TestNode sharedNode() {
    if (shared == null) {
      shared = TestNode.start(NodeSettings.defaults().toMap());
    }
    return shared;
  }

  /** Stops the shared node if it runs (it starts again when a class asks for it). */
  static synchronized void stopSharedNode() {
    if (shared != null) {
      TestNode stopping = shared;
      shared = null;
      try {
        stopping.close();
      } catch (Exception e) {
        throw new IllegalStateException("the shared node did not stop: " + e.getMessage(), e);
      }
    }
  }

  /** In the root store: stops the shared node when the test run ends. */
  private static final class SharedNodeStop implements Store.CloseableResource {
    @Override
    public void close() {
      stopSharedNode();
    }
  }

  private record OwnNode(TestNode node) implements Store.CloseableResource {
    @Override
    public void close() throws Exception {
      node.close();
    }
  }
}
