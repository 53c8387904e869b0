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

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import org.asynccassandra.examples.spring.VirtualThreads;
import org.junit.jupiter.api.Test;

class ExportExecutorConfigurationTest {

  @Test
  void should_run_exports_on_virtual_threads_from_java_21_and_on_a_bounded_pool_before() throws Exception {
    VirtualThreads.assertAvailableWhereExpected();
    ExecutorService executor = ExportExecutorConfiguration.exportExecutor();
    try {
      Thread thread = executor.submit(Thread::currentThread).get();
      if (VirtualThreads.available()) {
        assertThat(VirtualThreads.isVirtual(thread)).as("a virtual thread").isTrue();
      } else {
        assertThat(executor).isInstanceOf(ThreadPoolExecutor.class);
        ThreadPoolExecutor pool = (ThreadPoolExecutor) executor;
        assertThat(pool.getMaximumPoolSize()).isEqualTo(ExportExecutorConfiguration.POOL_THREADS);
        assertThat(pool.getQueue().remainingCapacity()).isEqualTo(ExportExecutorConfiguration.POOL_QUEUE);
        assertThat(thread.getName()).startsWith("export-");
      }
    } finally {
      executor.shutdown();
    }
  }
}
