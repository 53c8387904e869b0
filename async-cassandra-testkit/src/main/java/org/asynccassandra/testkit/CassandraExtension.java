package org.asynccassandra.testkit;

import com.datastax.oss.driver.api.core.CqlSession;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 support: every test class gets a connected {@link CqlSession} and a fresh {@link TestKeyspace}
 * of its own, on one {@link CassandraServer} that the whole test run shares (started on first use,
 * stopped when the run ends).
 *
 * <pre>{@code
 * @ExtendWith(CassandraExtension.class)
 * class MyIT {
 *   @Test
 *   void reads(CqlSession session, TestKeyspace keyspace) { ... }
 * }
 * }</pre>
 *
 * <p>Resolvable parameters (in test methods, lifecycle methods and constructors): {@link CqlSession},
 * {@link TestKeyspace}, {@link CassandraServer}. The class's session is closed and its keyspace dropped
 * after the class. The server's heap is 1G unless the system property
 * {@code asynccassandra.testkit.heap} says otherwise.
 */
public final class CassandraExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(CassandraExtension.class);
  private static final AtomicInteger KEYSPACES = new AtomicInteger();

  /** The run-wide server, closed by JUnit when the root context closes. */
  private static final class SharedServer implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    final CassandraServer server;

    SharedServer() {
      server = CassandraServer.builder().heap(System.getProperty("asynccassandra.testkit.heap", "1G")).start();
    }

    @Override
    public void close() {
      server.close();
    }
  }

  /** The per-class session and keyspace. */
  private static final class ClassResources implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    final CqlSession session;
    final TestKeyspace keyspace;

    ClassResources(CqlSession session, TestKeyspace keyspace) {
      this.session = session;
      this.keyspace = keyspace;
    }

    @Override
    public void close() {
      try {
        session.execute("DROP KEYSPACE IF EXISTS " + keyspace.name());
      } finally {
        session.close();
      }
    }
  }

  /** The server shared by the whole run, started on first use. */
  public static CassandraServer sharedServer(ExtensionContext context) {
    return context.getRoot().getStore(NAMESPACE)
        .getOrComputeIfAbsent(SharedServer.class, type -> new SharedServer(), SharedServer.class).server;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    resources(context);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    ClassResources resources = context.getStore(NAMESPACE).remove(ClassResources.class, ClassResources.class);
    if (resources != null) {
      resources.close();
    }
  }

  private ClassResources resources(ExtensionContext context) {
    ExtensionContext classContext = classContext(context);
    return classContext.getStore(NAMESPACE).getOrComputeIfAbsent(ClassResources.class, type -> {
      CassandraServer server = sharedServer(context);
      CqlSession session = server.sessionBuilder().build();
      TestKeyspace keyspace = new TestKeyspace(keyspaceName(classContext.getRequiredTestClass()));
      TestData.createKeyspace(session, keyspace.name(), 1);
      return new ClassResources(session, keyspace);
    }, ClassResources.class);
  }

  private static ExtensionContext classContext(ExtensionContext context) {
    ExtensionContext current = context;
    while (current.getTestMethod().isPresent() && current.getParent().isPresent()) {
      current = current.getParent().get();
    }
    return current;
  }

  static String keyspaceName(Class<?> testClass) {
    String base = testClass.getSimpleName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_");
    String name = "it_" + base;
    String suffix = "_" + KEYSPACES.incrementAndGet();
    int max = 48 - suffix.length();
    return (name.length() > max ? name.substring(0, max) : name) + suffix;
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == CqlSession.class || type == TestKeyspace.class || type == CassandraServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    if (type == CassandraServer.class) {
      return sharedServer(context);
    }
    ClassResources resources = resources(context);
    if (type == CqlSession.class) {
      return resources.session;
    }
    if (type == TestKeyspace.class) {
      return resources.keyspace;
    }
    throw new ParameterResolutionException("CassandraExtension cannot resolve " + type);
  }
}
