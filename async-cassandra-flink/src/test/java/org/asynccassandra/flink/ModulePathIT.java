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
package org.asynccassandra.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.module.ResolutionException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.asynccassandra.testkit.ModulePathProgram;
import org.junit.jupiter.api.Test;

/**
 * The Flink adapter on the module path: its jar is named {@code org.asynccassandra.flink} (its manifest's
 * Automatic-Module-Name), but Flink 2.x itself cannot be put on the module path, so no module that requires the
 * adapter can run: a Flink jar has no valid module name (flink-shaded-asm-9, whose derived name ends in '9'), and
 * Flink's jars split packages between them (flink-core and flink-core-api both hold org.apache.flink.api.common,
 * flink-runtime and flink-streaming-java org.apache.flink.streaming.api.operators, and more). Flink runs jobs from
 * the class path, with the job jar in its user-code class loader, where the name is not used. This checks that in
 * process with the module system's own {@link ModuleFinder} and resolver, on this module's jar and its compile
 * and provided dependencies (module.path.scope in this module's pom); no Cassandra, no child JVM (javac and the
 * {@code java} launcher stop at the same errors).
 */
class ModulePathIT {

  @Test
  void should_name_the_adapter_org_asynccassandra_flink_on_the_module_path() {
    Path adapter = ModulePathProgram.recordedModulePath().get(0);
    Set<ModuleReference> found = ModuleFinder.of(adapter).findAll();
    assertThat(found).hasSize(1);
    ModuleDescriptor descriptor = found.iterator().next().descriptor();
    assertThat(descriptor.name()).isEqualTo("org.asynccassandra.flink");
    assertThat(descriptor.isAutomatic()).as("an automatic module").isTrue();
    assertThat(descriptor.packages()).contains("org.asynccassandra.flink", "org.asynccassandra.flink.export");
  }

  @Test
  void should_not_resolve_with_flink_on_the_module_path() {
    List<Path> modulePath = ModulePathProgram.recordedModulePath();
    // What `java --module-path ...` meets first: a jar whose module name cannot be derived.
    assertThatThrownBy(() -> ModuleFinder.of(modulePath.toArray(Path[]::new)).findAll())
        .isInstanceOf(FindException.class)
        .hasMessageContaining("flink-shaded-asm-9")
        .cause().hasMessageContaining("Invalid module name");

    // Without such jars: split packages between Flink's own modules.
    List<Path> named = new ArrayList<>();
    List<String> unnamed = new ArrayList<>();
    for (Path jar : modulePath) {
      try {
        ModuleFinder.of(jar).findAll();
        named.add(jar);
      } catch (FindException noName) {
        unnamed.add(jar.getFileName().toString());
      }
    }
    assertThat(unnamed).as("jars without a module name").allMatch(jar -> jar.startsWith("flink-shaded-"));
    assertThatThrownBy(() -> ModuleLayer.boot().configuration()
        .resolve(ModuleFinder.of(named.toArray(Path[]::new)), ModuleFinder.of(), Set.of("org.asynccassandra.flink")))
        .as("resolving org.asynccassandra.flink with %s", named.stream().map(Path::getFileName).map(Path::toString)
            .collect(Collectors.joining(", ")))
        .isInstanceOf(ResolutionException.class)
        // Which split package the resolver meets first varies between runs (it walks hash sets of modules):
        // org.apache.flink itself is one (flink-metrics-core and flink-annotations), org.apache.flink.api.common
        // another, org.apache.flink.runtime.concurrent (in flink-rpc-core, exported by flink-runtime) a third.
        // The resolver words it "Modules A and B export package P to module C" when both export it to a third
        // module, or "Module A contains package P, module B exports package P to A" when A has it inside.
        .hasMessageMatching("Modules flink\\.[a-z.]+ and flink\\.[a-z.]+ export package org\\.apache\\.flink(\\..+)? .*"
            + "|Module flink\\.[a-z.]+ contains package org\\.apache\\.flink(\\.[a-z.]+)?, module flink\\.[a-z.]+ "
            + "exports package org\\.apache\\.flink(\\.[a-z.]+)? to flink\\.[a-z.]+");
  }
}
