package io.learngrid.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test class that talks to a learngrid node: test methods, constructors and {@code @BeforeAll}
 * methods get an {@link Api} (or the {@link TestNode} itself) as a parameter.
 *
 * <p>By default that is the shared node with {@link NodeSettings#defaults()}, started once per test
 * JVM. A class that needs settings of its own, or a node nobody else has touched (metrics that
 * must count its requests alone, a Redis it stops), declares one static {@link NodeSettings}
 * field; it gets a node of its own from those settings, started when first asked for (so a
 * {@code @BeforeAll} without parameters may start an upstream and set the field first) and
 * stopped after the class.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(LearngridNodeExtension.class)
public @interface LearngridNode {}
