/*
 * Copyright 2026 The async-cassandra authors
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */
package org.asynccassandra.testkit;

import com.datastax.oss.driver.api.core.CqlSession;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JUnit 5 support: every test class gets a connected {@link CqlSession} and a fresh {@link TestKeyspace} of
 * its own, on one {@link CassandraServer} that the whole test run shares.
 *
 * <pre>{@code
 * @CassandraTest                       // or @ExtendWith(CassandraExtension.class)
 * class OrdersIT {
 *   @CassandraInject static CqlSession session;      // fields: static or not
 *   @CassandraInject static TestKeyspace keyspace;
 *
 *   @BeforeAll
 *   static void load() {
 *     TestData.createSampleTable(session, keyspace.name(), "orders");
 *   }
 *
 *   @Test
 *   void reads(CqlSession session, TestKeyspace keyspace, CassandraServer server) { ... }  // or parameters
 * }
 * }</pre>
 *
 * <p><b>Lifecycle.</b> The server starts before the first class that uses the extension (about 10 s), with
 * the heap given by the system property {@code asynccassandra.testkit.heap} (default 1G), and is closed when
 * the test run ends (and by the JVM shutdown hook). Closing it when the run ends needs JUnit Jupiter 5.13 or
 * later, which closes {@code AutoCloseable} values of its stores; on earlier versions (or with
 * {@code junit.jupiter.extensions.store.close.autocloseable.enabled=false}) only the shutdown hook closes
 * it, when the JVM exits. One server per JVM: runs nested in one JVM (such as the
 * JUnit Platform's EngineTestKit) share it. If it cannot start, every class that uses the extension fails
 * with that {@link CassandraStartException}, at once. A class's session and keyspace are created when first
 * asked for (a field or a parameter; a class that only takes the server gets neither) and, after the
 * class's last {@code @AfterAll} method, the keyspace is dropped and the session closed. {@code @Nested}
 * classes share their enclosing class's session and keyspace. The session has the testkit's generous
 * timeouts (requests 20 s).
 *
 * <p><b>Threads.</b> Thread-safe: JUnit may run classes in parallel. Tests that stop or kill the shared
 * server must restart it before they end.
 */
public final class CassandraExtension
    implements BeforeAllCallback, AfterAllCallback, TestInstancePostProcessor, ParameterResolver {
  /** The system property that sets the shared server's heap, such as "512M". */
  public static final String HEAP_PROPERTY = "asynccassandra.testkit.heap";
  private static final Logger LOG = LoggerFactory.getLogger(CassandraExtension.class);
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(CassandraExtension.class);
  private static final AtomicInteger KEYSPACES = new AtomicInteger();
  private static final int MAX_KEYSPACE_NAME = 48;

  /**
   * The extension, as JUnit creates it for {@code @CassandraTest} or {@code @ExtendWith}; it holds no state
   * of its own (the shared server and each class's session live in JUnit's extension store), so any number
   * of instances may exist.
   */
  public CassandraExtension() {}

  /**
   * The server shared by the whole run; starts it on first use. Blocks while it starts.
   *
   * @param context any extension context of the run: the server is kept in its root store, and closed when
   *     the run ends
   * @return the running shared server (the same instance for every class of the run)
   * @throws CassandraStartException if the server cannot start, now or at an earlier try in this JVM
   */
  public static CassandraServer sharedServer(ExtensionContext context) {
    return context.getRoot().getStore(NAMESPACE)
        .getOrComputeIfAbsent(Lease.class, type -> new Lease(SharedServer.acquire()), Lease.class).server;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IllegalAccessException {
    CassandraServer server = sharedServer(context); // here, so that no test's timeout counts the start
    for (Field field : injectedFields(context.getRequiredTestClass(), true)) {
      field.set(null, value(field.getType(), server, context));
    }
  }

  @Override
  public void postProcessTestInstance(Object instance, ExtensionContext context) throws IllegalAccessException {
    for (Field field : injectedFields(instance.getClass(), false)) {
      field.set(instance, value(field.getType(), sharedServer(context), context));
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (owner(context) != context) {
      return; // a @Nested class: its enclosing class owns the resources
    }
    ClassResources resources = context.getStore(NAMESPACE).remove(ClassResources.class, ClassResources.class);
    if (resources != null) {
      resources.close();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return supported(parameter.getParameter().getType());
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    if (!supported(type)) {
      throw new ParameterResolutionException("CassandraExtension cannot resolve " + type.getName());
    }
    return value(type, sharedServer(context), context);
  }

  // ---------------------------------------------------------------------------------------------------

  /** The server, or the class's session or keyspace: those two are created on first use. */
  private static Object value(Class<?> type, CassandraServer server, ExtensionContext context) {
    if (type == CassandraServer.class) {
      return server;
    }
    ClassResources resources = resources(context);
    return type == CqlSession.class ? resources.session() : resources.keyspace();
  }

  private static boolean supported(Class<?> type) {
    return type == CqlSession.class || type == TestKeyspace.class || type == CassandraServer.class;
  }

  /** The class's session and keyspace, created on first use in the store of the outermost class. */
  private static ClassResources resources(ExtensionContext context) {
    ExtensionContext owner = owner(context);
    return owner.getStore(NAMESPACE).getOrComputeIfAbsent(ClassResources.class, type -> {
      CassandraServer server = sharedServer(context);
      CqlSession session = server.newSession();
      try {
        TestKeyspace keyspace = new TestKeyspace(keyspaceName(owner.getRequiredTestClass()));
        TestData.createKeyspace(session, keyspace.name(), 1);
        return new ClassResources(session, keyspace);
      } catch (RuntimeException failure) {
        session.close();
        throw failure;
      }
    }, ClassResources.class);
  }

  /** The context of the outermost test class around {@code context}: the one that owns the resources. */
  private static ExtensionContext owner(ExtensionContext context) {
    ExtensionContext owner = null;
    for (ExtensionContext current = context; current.getParent().isPresent(); current = current.getParent().get()) {
      if (current.getTestMethod().isEmpty() && current.getTestClass().isPresent()) {
        owner = current;
      }
    }
    if (owner == null) {
      throw new ExtensionConfigurationException("CassandraExtension needs a test class: " + context.getUniqueId());
    }
    return owner;
  }

  /** Fields annotated with {@link CassandraInject}, static or not, in the class and its superclasses. */
  private static List<Field> injectedFields(Class<?> testClass, boolean statics) {
    List<Field> fields = new ArrayList<>();
    for (Class<?> type = testClass; type != null && type != Object.class; type = type.getSuperclass()) {
      for (Field field : type.getDeclaredFields()) {
        if (!field.isAnnotationPresent(CassandraInject.class) || Modifier.isStatic(field.getModifiers()) != statics) {
          continue;
        }
        if (!supported(field.getType()) || Modifier.isFinal(field.getModifiers())) {
          throw new ExtensionConfigurationException("@CassandraInject field " + type.getSimpleName() + "."
              + field.getName() + " must be a non-final CqlSession, TestKeyspace or CassandraServer: "
              + field.toGenericString());
        }
        field.setAccessible(true);
        fields.add(field);
      }
    }
    return fields;
  }

  /** {@code it_<class>_<n>}: lower case, only [a-z0-9_], at most 48 characters, unique in this JVM. */
  static String keyspaceName(Class<?> testClass) {
    String base = "it_" + testClass.getSimpleName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_");
    String suffix = "_" + KEYSPACES.incrementAndGet();
    int max = MAX_KEYSPACE_NAME - suffix.length();
    return (base.length() > max ? base.substring(0, max) : base) + suffix;
  }

  /**
   * The one server of this JVM, counted by the runs that lease it: it starts with the first lease and
   * closes with the last. A failed start is remembered, so that later classes fail fast with it.
   */
  private static final class SharedServer {
    private static CassandraServer server; // guarded by SharedServer.class
    private static int leases; // guarded by SharedServer.class
    private static CassandraStartException failure; // guarded by SharedServer.class

    static synchronized CassandraServer acquire() {
      if (failure != null) {
        throw new CassandraStartException("The shared Cassandra server could not start earlier in this JVM: "
            + failure.getMessage(), failure);
      }
      if (server == null) {
        try {
          server = CassandraServer.builder().heap(System.getProperty(HEAP_PROPERTY, "1G")).start();
        } catch (CassandraStartException startFailure) {
          failure = startFailure;
          throw startFailure;
        }
      }
      leases++;
      return server;
    }

    static synchronized void release() {
      if (--leases == 0 && server != null) {
        LOG.info("The test run is over: closing the shared {}", server);
        server.close();
        server = null;
      }
    }
  }

  /** A run's hold on the shared server, in the run's root store: JUnit closes it when the run ends. */
  private static final class Lease implements AutoCloseable {
    final CassandraServer server;

    Lease(CassandraServer server) {
      this.server = server;
    }

    @Override
    public void close() {
      SharedServer.release();
    }
  }

  /** A class's session and keyspace: the keyspace is dropped and the session closed after the class. */
  private record ClassResources(CqlSession session, TestKeyspace keyspace) implements AutoCloseable {
    @Override
    public void close() {
      try {
        session.execute("DROP KEYSPACE IF EXISTS " + keyspace.name());
      } catch (RuntimeException failure) {
        // The server may have been stopped by the test; the keyspace goes with the server anyway.
        LOG.warn("Could not drop keyspace {}: {}", keyspace.name(), failure.toString());
      } finally {
        session.close();
      }
    }
  }
}
