package io.learngrid.support;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Closes the {@link CloseAfterAll} fields of a test class; the first failure is thrown, the rest are added to it. */
public final class CloseAfterAllExtension implements AfterAllCallback {

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    // The class's node uses its upstreams and Redis until it has stopped: it goes first.
    Exception failure = LearngridNodeExtension.closeOwnNode(context);
    List<Field> fields = new ArrayList<>();
    for (Field field : context.getRequiredTestClass().getDeclaredFields()) {
      if (field.isAnnotationPresent(CloseAfterAll.class)) {
        if (!Modifier.isStatic(field.getModifiers()) || !AutoCloseable.class.isAssignableFrom(field.getType())) {
          throw new ExtensionConfigurationException("@CloseAfterAll needs a static AutoCloseable field: " + field);
        }
        fields.add(field);
      }
    }
    for (Field field : fields.reversed()) {
      field.setAccessible(true);
      try {
        AutoCloseable resource = (AutoCloseable) field.get(null);
        if (resource != null) {
          resource.close();
        }
      } catch (Exception e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
