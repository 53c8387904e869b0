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
package org.asynccassandra.bench;

import com.datastax.oss.driver.api.core.session.Session;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The machine and JVM a bench run measured on, for the results file and the report's header. */
final class Environment {
  private Environment() {}

  static Map<String, Object> describe() {
    Map<String, Object> machine = new LinkedHashMap<>();
    machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
        + System.getProperty("os.arch"));
    machine.put("cores", Runtime.getRuntime().availableProcessors());
    machine.put("memory", totalMemory().orElse("unknown"));
    machine.put("cpu", cpuModel().orElse("unknown"));
    machine.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
        + " (" + System.getProperty("java.vendor") + ")");
    machine.put("jvmArguments", ManagementFactory.getRuntimeMXBean().getInputArguments());
    machine.put("clientMaxHeapMiB", Runtime.getRuntime().maxMemory() / (1024 * 1024));
    machine.put("driver", Session.OSS_DRIVER_COORDINATES.toString());
    return machine;
  }

  private static Optional<String> totalMemory() {
    return firstLine(Path.of("/proc/meminfo"), "MemTotal:").map(line -> {
      long kib = Long.parseLong(line.replaceAll("\\D+", ""));
      return String.format(java.util.Locale.ROOT, "%.1f GiB", kib / 1048576.0);
    });
  }

  private static Optional<String> cpuModel() {
    return firstLine(Path.of("/proc/cpuinfo"), "model name").map(line -> line.substring(line.indexOf(':') + 1).trim());
  }

  private static Optional<String> firstLine(Path file, String prefix) {
    try (var lines = Files.lines(file)) {
      return lines.filter(line -> line.startsWith(prefix)).findFirst();
    } catch (IOException | RuntimeException unavailable) {
      return Optional.empty();
    }
  }
}
