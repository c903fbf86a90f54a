package io.learngrid.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A static {@link AutoCloseable} field (an upstream, a Redis a test stops, the nodes of a cluster
 * test) that is closed after the class's tests, fields in reverse order of declaration, and after
 * the class's own {@link LearngridNode} node. (JUnit 5.11's {@code @AutoClose} does this; the
 * JUnit here is 5.9.)
 */
@Target(ElementType.FIELD)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(CloseAfterAllExtension.class)
public @interface CloseAfterAll {}
