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
package org.asynccassandra.releasecheck;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.source.doctree.DocCommentTree;
import com.sun.source.doctree.DocTree;
import com.sun.source.doctree.ParamTree;
import com.sun.source.tree.AnnotationTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ModifiersTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.DocTrees;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.lang.model.element.Modifier;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * Every public type and member of every published module has a javadoc comment, as javadoc's doclint group
 * {@code missing} would report it ("no comment"), without also demanding an {@code @param} and
 * {@code @return} on each method (which {@code missing} does, and which the API does not have everywhere).
 * It reads the sources of the modules in {@code release.published} (their {@code src/main/java}, the
 * {@code org.asynccassandra.internal} packages left out, as the javadoc jars leave them out) with javac's
 * parser and reports each public or protected type, constructor, method, field and enum constant without
 * a comment, each record component without an {@code @param}, each exported package without a commented
 * {@code package-info.java}, and each public class that relies on the default constructor. Methods with
 * {@code @Override} inherit their documentation and are not reported.
 */
class PublicJavadocTest {
  private static final Set<String> NOT_JAVA_MODULES = Set.of("async-cassandra-parent", "async-cassandra-bom");

  @Test
  void should_document_every_public_type_and_member_of_the_published_modules() throws IOException {
    Path root = Path.of(required("release.buildRoot"));
    List<Path> sources = new ArrayList<>();
    for (String module : published()) {
      Path main = root.resolve(module).resolve("src/main/java");
      if (!Files.isDirectory(main)) {
        continue; // a module without Java sources of its own (the testkit's server classpath)
      }
      try (Stream<Path> files = Files.walk(main)) {
        files.filter(file -> file.toString().endsWith(".java"))
            .filter(file -> !main.relativize(file).toString().startsWith("org/asynccassandra/internal"))
            .sorted()
            .forEach(sources::add);
      }
    }
    assertThat(sources).as("the published modules' public sources under %s", root).isNotEmpty();
    assertThat(undocumented(root, sources)).as("public API without javadoc").isEmpty();
  }

  private static List<String> undocumented(Path root, List<Path> sources) throws IOException {
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    List<String> problems = new ArrayList<>();
    try (StandardJavaFileManager files = compiler.getStandardFileManager(null, Locale.ROOT, StandardCharsets.UTF_8)) {
      JavacTask task = (JavacTask) compiler.getTask(null, files, null, List.of("-proc:none"), null,
          files.getJavaFileObjectsFromPaths(sources));
      DocTrees docs = DocTrees.instance(task);
      Set<String> packages = new java.util.TreeSet<>();
      Set<String> documentedPackages = new java.util.TreeSet<>();
      for (CompilationUnitTree unit : task.parse()) {
        String source = root.relativize(Path.of(unit.getSourceFile().toUri())).toString();
        String packageName = unit.getPackageName() == null ? "" : unit.getPackageName().toString();
        if (source.endsWith("package-info.java")) {
          if (unit.getPackage() != null && docs.getDocCommentTree(new TreePath(new TreePath(unit), unit.getPackage()))
              != null) {
            documentedPackages.add(packageName);
          }
          continue;
        }
        new Scanner(docs, unit, source, problems).scan(unit, null);
        packages.add(packageName);
      }
      packages.removeAll(documentedPackages);
      packages.forEach(name -> problems.add("package " + name + ": no package-info.java with a comment"));
    }
    return problems;
  }

  /** Walks one file, descending only into exported types. */
  private static final class Scanner extends TreePathScanner<Void, Void> {
    private final DocTrees docs;
    private final CompilationUnitTree unit;
    private final String source;
    private final List<String> problems;

    Scanner(DocTrees docs, CompilationUnitTree unit, String source, List<String> problems) {
      this.docs = docs;
      this.unit = unit;
      this.source = source;
      this.problems = problems;
    }

    @Override
    public Void visitClass(ClassTree type, Void unused) {
      if (!exported(getCurrentPath())) {
        return null;
      }
      DocCommentTree comment = docs.getDocCommentTree(getCurrentPath());
      if (comment == null) {
        report(type, "type " + type.getSimpleName());
      }
      if (type.getKind() == Tree.Kind.RECORD) {
        Set<String> params = comment == null ? Set.of() : comment.getBlockTags().stream()
            .filter(tag -> tag.getKind() == DocTree.Kind.PARAM)
            .map(tag -> ((ParamTree) tag).getName().getName().toString())
            .collect(Collectors.toSet());
        for (Tree member : type.getMembers()) {
          // A record's components are its fields in the tree (the only instance fields a record may have).
          if (member instanceof VariableTree field && !field.getModifiers().getFlags().contains(Modifier.STATIC)
              && !params.contains(field.getName().toString())) {
            report(type, "record component " + type.getSimpleName() + "." + field.getName() + " (no @param)");
          }
        }
      }
      if (type.getKind() == Tree.Kind.CLASS && type.getMembers().stream()
          .noneMatch(member -> member instanceof MethodTree method && method.getName().contentEquals("<init>")
              && !isGenerated(method))) {
        report(type, "class " + type.getSimpleName() + " has the default constructor, which has no comment");
      }
      return super.visitClass(type, unused);
    }

    @Override
    public Void visitMethod(MethodTree method, Void unused) {
      if (exported(getCurrentPath()) && !isGenerated(method) && !overrides(method.getModifiers())
          && docs.getDocCommentTree(getCurrentPath()) == null) {
        String name = method.getName().contentEquals("<init>") ? "constructor" : "method " + method.getName();
        report(method, name + "(" + method.getParameters().stream().map(p -> p.getType().toString())
            .collect(Collectors.joining(", ")) + ")");
      }
      return null;
    }

    @Override
    public Void visitVariable(VariableTree field, Void unused) {
      TreePath path = getCurrentPath();
      boolean record = path.getParentPath().getLeaf().getKind() == Tree.Kind.RECORD
          && !field.getModifiers().getFlags().contains(Modifier.STATIC);
      if (!record && exported(path) && docs.getDocCommentTree(path) == null) {
        report(field, "field " + field.getName());
      }
      return null;
    }

    /** A declaration javadoc shows: public or protected (explicitly or implicitly), in exported types only. */
    private static boolean exported(TreePath path) {
      for (TreePath at = path; at != null && !(at.getLeaf() instanceof CompilationUnitTree); at = at.getParentPath()) {
        Tree leaf = at.getLeaf();
        ModifiersTree modifiers = modifiers(leaf);
        if (modifiers == null) {
          return false; // a local declaration or something inside a method body
        }
        Set<Modifier> flags = modifiers.getFlags();
        if (flags.contains(Modifier.PUBLIC) || flags.contains(Modifier.PROTECTED)) {
          continue;
        }
        if (flags.contains(Modifier.PRIVATE)) {
          return false;
        }
        Tree owner = at.getParentPath().getLeaf();
        boolean implicitlyPublic = owner.getKind() == Tree.Kind.INTERFACE
            || owner.getKind() == Tree.Kind.ANNOTATION_TYPE
            || (owner.getKind() == Tree.Kind.ENUM && leaf instanceof VariableTree);
        if (!implicitlyPublic) {
          return false;
        }
      }
      return true;
    }

    private static ModifiersTree modifiers(Tree tree) {
      if (tree instanceof ClassTree type) {
        return type.getModifiers();
      }
      if (tree instanceof MethodTree method) {
        return method.getModifiers();
      }
      if (tree instanceof VariableTree variable) {
        return variable.getModifiers();
      }
      return null;
    }

    /** A constructor javac made up (a record's canonical one): it has no position of its own in the file. */
    private boolean isGenerated(MethodTree method) {
      return docs.getSourcePositions().getStartPosition(unit, method) < 0;
    }

    private static boolean overrides(ModifiersTree modifiers) {
      for (AnnotationTree annotation : modifiers.getAnnotations()) {
        String name = annotation.getAnnotationType().toString();
        if (name.equals("Override") || name.equals("java.lang.Override")) {
          return true;
        }
      }
      return false;
    }

    private void report(Tree tree, String what) {
      long line = unit.getLineMap().getLineNumber(docs.getSourcePositions().getStartPosition(unit, tree));
      problems.add(source + ":" + line + ": " + what);
    }
  }

  private static List<String> published() {
    return Arrays.stream(required("release.published").split(","))
        .map(String::trim)
        .filter(name -> !name.isEmpty() && !NOT_JAVA_MODULES.contains(name))
        .toList();
  }

  private static String required(String property) {
    String value = System.getProperty(property);
    assertThat(value).as("system property " + property + " (set by the pom)").isNotBlank();
    return value;
  }
}
