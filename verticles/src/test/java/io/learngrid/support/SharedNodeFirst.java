package io.learngrid.support;

import java.util.Comparator;
import org.junit.jupiter.api.ClassDescriptor;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;

/**
 * Runs the classes on the shared {@link LearngridNode} first, then the rest, each group by name:
 * any other node stops the shared one, so grouped together they start it once.
 * (junit-platform.properties makes this the default order.)
 */
public final class SharedNodeFirst implements ClassOrderer {

  @Override
  public void orderClasses(ClassOrdererContext context) {
    context.getClassDescriptors().sort(Comparator.comparing(SharedNodeFirst::onOwnNodes)
        .thenComparing(descriptor -> descriptor.getTestClass().getName()));
  }

  private static boolean onOwnNodes(ClassDescriptor descriptor) {
    Class<?> type = descriptor.getTestClass();
    return !type.isAnnotationPresent(LearngridNode.class) || LearngridNodeExtension.settingsField(type) != null;
  }
}
