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
package org.asynccassandra.examples.spring.mvc;

import java.lang.reflect.InvocationTargetException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.support.TaskExecutorAdapter;
import org.springframework.web.servlet.config.annotation.AsyncSupportConfigurer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Where the MVC example's blocking reads run: Spring MVC's async executor, which writes every
 * {@code StreamingResponseBody} and runs every {@code Callable} the controllers return. On Java 21+ it starts a
 * virtual thread per task (a thread blocked on the next page unmounts from its carrier); on Java 17, which the
 * library is built for, it is a bounded pool of {@value #POOL_THREADS} threads with a queue of
 * {@value #POOL_QUEUE} tasks, and a request beyond that is refused rather than queued without bound. The choice is
 * made at run time, by looking the virtual-thread factory up, so the module still compiles for release 17.
 */
@Configuration(proxyBeanMethods = false)
public class ExportExecutorConfiguration implements WebMvcConfigurer {
  static final int POOL_THREADS = 32;
  static final int POOL_QUEUE = 256;
  private static final Logger LOG = LoggerFactory.getLogger(ExportExecutorConfiguration.class);

  private final ExecutorService executor;

  public ExportExecutorConfiguration() {
    this.executor = exportExecutor();
  }

  /** The executor itself, closed with the application context. */
  @Bean(destroyMethod = "shutdown")
  public ExecutorService exportExecutorService() {
    return executor;
  }

  @Override
  public void configureAsyncSupport(AsyncSupportConfigurer configurer) {
    // Called after Boot's own configurer (this one has no order, so it comes last): this executor wins. The
    // timeout is spring.mvc.async.request-timeout (application.properties).
    configurer.setTaskExecutor(new TaskExecutorAdapter(executor));
  }

  /** A virtual thread per task where the JVM has them (Java 21+), else a bounded pool. */
  static ExecutorService exportExecutor() {
    ExecutorService virtual = virtualThreadPerTaskExecutor();
    if (virtual != null) {
      LOG.info("Exports run on virtual threads (Java {})", Runtime.version().feature());
      return virtual;
    }
    LOG.info("Java {} has no virtual threads: exports run on a bounded pool of {} threads", Runtime.version().feature(),
        POOL_THREADS);
    AtomicInteger count = new AtomicInteger();
    ThreadFactory threads = task -> {
      Thread thread = new Thread(task, "export-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
    ThreadPoolExecutor pool = new ThreadPoolExecutor(POOL_THREADS, POOL_THREADS, 60, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(POOL_QUEUE), threads, new ThreadPoolExecutor.AbortPolicy());
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /** {@code Executors.newVirtualThreadPerTaskExecutor()} on Java 21+, or null. */
  static @org.jspecify.annotations.Nullable ExecutorService virtualThreadPerTaskExecutor() {
    try {
      return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    } catch (NoSuchMethodException java17) {
      return null;
    } catch (IllegalAccessException | InvocationTargetException unexpected) {
      throw new IllegalStateException("Executors.newVirtualThreadPerTaskExecutor failed", unexpected);
    }
  }
}
