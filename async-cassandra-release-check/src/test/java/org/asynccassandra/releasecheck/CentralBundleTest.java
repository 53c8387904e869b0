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

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Validates the release bundle that the published modules staged in the verify phase (the parent pom's
 * {@code stage-central-bundle} execution), in repository layout, the way Maven Central validates a
 * deployment, signatures aside: the right artifacts, each with its pom, jar, sources and javadoc jars and
 * their {@code .md5} and {@code .sha1}; the pom metadata Central requires; a BOM that lists exactly the
 * published modules. A snapshot build is checked like a release, under its -SNAPSHOT version.
 */
class CentralBundleTest {
  private static final String SKIP_HINT = " (a build with -Dmaven.javadoc.skip or -Dmaven.source.skip stages "
      + "an incomplete bundle: add -Drelease.check.skip=true to such a build)";

  private static Path bundle;
  private static String buildRoot;
  private static String groupId;
  private static String version;
  private static Set<String> published;
  private static Map<String, Component> components;

  @BeforeAll
  static void readBundle() throws Exception {
    bundle = Path.of(required("central.bundle.directory"));
    buildRoot = required("release.buildRoot");
    groupId = required("release.groupId");
    version = required("release.version");
    published = Arrays.stream(required("release.published").split(","))
        .map(String::trim)
        .filter(name -> !name.isEmpty())
        .collect(Collectors.toCollection(TreeSet::new));
    assertThat(bundle).as("the staged bundle; did the published modules run their verify phase?").isDirectory();
    components = new LinkedHashMap<>();
    Path group = bundle.resolve(groupId.replace('.', '/'));
    if (Files.isDirectory(group)) {
      try (Stream<Path> artifacts = Files.list(group)) {
        for (Path artifact : artifacts.sorted().toList()) {
          String artifactId = artifact.getFileName().toString();
          components.put(artifactId, Component.read(artifactId, artifact.resolve(version)));
        }
      }
    }
  }

  @Test
  void should_hold_exactly_the_published_artifacts_and_nothing_else() throws IOException {
    assertThat(components.keySet()).as("artifacts of %s in %s", groupId, bundle)
        .containsExactlyInAnyOrderElementsOf(published);
    try (Stream<Path> files = Files.walk(bundle)) {
      List<String> strays = files.filter(Files::isRegularFile)
          .map(bundle::relativize)
          .map(Path::toString)
          .filter(file -> !file.startsWith(groupId.replace('.', '/') + "/"))
          .toList();
      assertThat(strays).as("files outside %s", groupId).isEmpty();
    }
  }

  @Test
  void should_exclude_from_the_upload_exactly_the_modules_that_are_not_published() throws Exception {
    // The staged bundle follows maven.deploy.skip; the upload follows the central-publishing plugin's own
    // excludeArtifacts, a second list kept by hand: a new module with only maven.deploy.skip would be uploaded.
    Element root = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(Path.of(buildRoot, "pom.xml").toFile()).getDocumentElement();
    Set<String> modules = new TreeSet<>();
    org.w3c.dom.NodeList moduleNodes = root.getElementsByTagName("module");
    for (int i = 0; i < moduleNodes.getLength(); i++) {
      Path modulePom = Path.of(buildRoot, moduleNodes.item(i).getTextContent().trim(), "pom.xml");
      modules.add(text(DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(modulePom.toFile())
          .getDocumentElement(), "artifactId"));
    }
    modules.add(text(root, "artifactId"));
    Set<String> excluded = new TreeSet<>();
    org.w3c.dom.NodeList excludes = root.getElementsByTagName("excludeArtifacts");
    assertThat(excludes.getLength()).as("the central-publishing plugin's excludeArtifacts in the root pom")
        .isEqualTo(1);
    org.w3c.dom.NodeList artifacts = ((Element) excludes.item(0)).getElementsByTagName("artifact");
    for (int i = 0; i < artifacts.getLength(); i++) {
      excluded.add(artifacts.item(i).getTextContent().trim());
    }
    Set<String> notPublished = new TreeSet<>(modules);
    notPublished.removeAll(published);
    assertThat(excluded).as("excludeArtifacts: every module but the published ones (release.published)")
        .isEqualTo(notPublished);
  }

  @Test
  void should_give_every_artifact_its_pom_jar_sources_and_javadoc_with_checksums() throws Exception {
    List<String> problems = new ArrayList<>();
    for (Component component : components.values()) {
      List<String> kinds = component.packaging().equals("pom")
          ? List.of("pom")
          : List.of("pom", "jar", "sources.jar", "javadoc.jar");
      for (String kind : kinds) {
        Path file = component.files().get(kind);
        if (file == null || !Files.isRegularFile(file)) {
          problems.add(component.artifactId() + ": no " + kind + (kind.contains(".") ? SKIP_HINT : ""));
          continue;
        }
        checkChecksums(file, problems);
        if (kind.endsWith("jar")) {
          checkJar(component.artifactId(), kind, file, problems);
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void should_give_every_pom_the_metadata_central_requires() throws IOException {
    List<String> problems = new ArrayList<>();
    for (Component component : components.values()) {
      String artifactId = component.artifactId();
      Element pom = component.pom();
      if (pom == null) {
        continue;
      }
      if (Files.readString(component.files().get("pom")).contains(buildRoot)) {
        problems.add(artifactId + ": the pom holds a path of this machine (" + buildRoot + ")");
      }
      if (!artifactId.equals(text(pom, "artifactId"))) {
        problems.add(artifactId + ": the pom says artifactId " + text(pom, "artifactId"));
      }
      for (String own : List.of("name", "description")) {
        if (text(pom, own).isBlank()) {
          problems.add(artifactId + ": no <" + own + "> of its own");
        }
      }
      if (!groupId.equals(inherited(component, "groupId"))) {
        problems.add(artifactId + ": groupId is " + inherited(component, "groupId") + ", not " + groupId);
      }
      if (!version.equals(inherited(component, "version"))) {
        problems.add(artifactId + ": version is " + inherited(component, "version") + ", not " + version);
      }
      if (!inherited(component, "url").startsWith("https://")) {
        problems.add(artifactId + ": no https <url>");
      }
      Element licenses = inheritedElement(component, "licenses");
      List<Element> licenseList = licenses == null ? List.of() : children(licenses, "license");
      if (licenseList.isEmpty()
          || licenseList.stream().anyMatch(license -> text(license, "name").isBlank() || text(license, "url").isBlank())) {
        problems.add(artifactId + ": <licenses> needs at least one license with a name and a url");
      }
      Element developers = inheritedElement(component, "developers");
      if (developers == null || children(developers, "developer").stream().noneMatch(d -> !text(d, "name").isBlank())) {
        problems.add(artifactId + ": <developers> needs at least one developer with a name");
      }
      Element scm = inheritedElement(component, "scm");
      if (scm == null || text(scm, "url").isBlank() || text(scm, "connection").isBlank()) {
        problems.add(artifactId + ": <scm> needs a url and a connection");
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void should_list_every_published_module_in_the_bom_and_nothing_else() {
    Component bom = components.get("async-cassandra-bom");
    assertThat(bom == null ? null : bom.pom()).as("the BOM's pom in the bundle").isNotNull();
    Element pom = bom.pom();
    assertThat(child(pom, "parent"))
        .as("the deployed BOM has no parent: importing it must not import the parent's dependency management")
        .isNull();
    Element management = child(pom, "dependencyManagement");
    Element dependencies = management == null ? null : child(management, "dependencies");
    assertThat(dependencies).as("the BOM's dependencyManagement").isNotNull();
    Set<String> listed = new TreeSet<>();
    for (Element dependency : children(dependencies, "dependency")) {
      String coordinates = text(dependency, "groupId") + ":" + text(dependency, "artifactId");
      assertThat(text(dependency, "groupId")).as("the BOM pins only our own artifacts: " + coordinates)
          .isEqualTo(groupId);
      assertThat(text(dependency, "version")).as("version of " + coordinates).isIn(version, "${project.version}");
      listed.add(text(dependency, "artifactId"));
    }
    Set<String> expected = new TreeSet<>(published);
    expected.removeAll(List.of("async-cassandra-parent", "async-cassandra-bom"));
    assertThat(listed).as("the modules the BOM lists").isEqualTo(expected);
  }

  private static void checkChecksums(Path file, List<String> problems) throws Exception {
    byte[] content = Files.readAllBytes(file);
    for (String algorithm : List.of("md5", "sha1")) {
      Path checksum = file.resolveSibling(file.getFileName() + "." + algorithm);
      if (!Files.isRegularFile(checksum)) {
        problems.add(bundle.relativize(checksum) + " is missing");
        continue;
      }
      String recorded = Files.readString(checksum).trim().split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
      String actual = HexFormat.of().formatHex(digest(algorithm, content));
      if (!recorded.equals(actual)) {
        problems.add(bundle.relativize(checksum) + " says " + recorded + ", the file's is " + actual);
      }
    }
  }

  private static void checkJar(String artifactId, String kind, Path file, List<String> problems) throws IOException {
    try (ZipFile jar = new ZipFile(file.toFile())) {
      List<String> names = jar.stream().filter(entry -> !entry.isDirectory()).map(ZipEntry::getName).toList();
      boolean content = names.stream().anyMatch(name -> !name.startsWith("META-INF/"));
      if (!content) {
        problems.add(artifactId + ": " + kind + " holds nothing but META-INF");
      }
      if (kind.equals("javadoc.jar") && !names.contains("index.html") && !names.contains("README.md")) {
        problems.add(artifactId + ": " + kind + " has neither index.html nor README.md");
      }
    } catch (IOException notAZip) {
      problems.add(artifactId + ": " + kind + " is not a readable jar: " + notAZip.getMessage());
    }
  }

  private static byte[] digest(String algorithm, byte[] content) throws NoSuchAlgorithmException {
    return MessageDigest.getInstance(algorithm.equals("sha1") ? "SHA-1" : "MD5").digest(content);
  }

  /** A field of the pom or, when it has none, of its parent's (which must be in the bundle too). */
  private static String inherited(Component component, String field) {
    String own = text(component.pom(), field);
    if (!own.isBlank()) {
      return own;
    }
    Component parent = parentOf(component);
    if (parent != null) {
      return inherited(parent, field);
    }
    Element parentReference = child(component.pom(), "parent");
    return parentReference == null ? "" : text(parentReference, field);
  }

  private static Element inheritedElement(Component component, String field) {
    Element own = child(component.pom(), field);
    if (own != null) {
      return own;
    }
    Component parent = parentOf(component);
    return parent == null ? null : inheritedElement(parent, field);
  }

  private static Component parentOf(Component component) {
    Element parent = child(component.pom(), "parent");
    if (parent == null) {
      return null;
    }
    Component found = components.get(text(parent, "artifactId"));
    assertThat(found == null ? null : found.pom()).as(component.artifactId() + "'s parent "
        + text(parent, "artifactId") + " must be in the bundle: Central needs it to read the inherited metadata")
        .isNotNull();
    return found;
  }

  private static Element child(Element parent, String name) {
    for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
      if (node instanceof Element element && element.getTagName().equals(name)) {
        return element;
      }
    }
    return null;
  }

  private static List<Element> children(Element parent, String name) {
    List<Element> found = new ArrayList<>();
    for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
      if (node instanceof Element element && element.getTagName().equals(name)) {
        found.add(element);
      }
    }
    return found;
  }

  private static String text(Element parent, String name) {
    Element element = child(parent, name);
    return element == null ? "" : element.getTextContent().trim();
  }

  private static String required(String property) {
    String value = System.getProperty(property);
    assertThat(value).as("system property " + property + " (set by the pom)").isNotBlank();
    return value;
  }

  /**
   * One artifact of the bundle: its files by kind ("pom", "jar", "sources.jar", "javadoc.jar") and its
   * parsed pom, null when the bundle has none (reported by the file check).
   */
  private record Component(String artifactId, Map<String, Path> files, Element pom) {
    String packaging() {
      String packaging = pom == null ? "" : text(pom, "packaging");
      return packaging.isEmpty() ? "jar" : packaging;
    }

    static Component read(String artifactId, Path directory) throws Exception {
      assertThat(directory).as("version folder of " + artifactId).isDirectory();
      Map<String, Path> files = new LinkedHashMap<>();
      for (String kind : List.of("pom", "jar", "sources.jar", "javadoc.jar")) {
        String suffix = kind.contains(".") ? "-" + kind : "." + kind;
        files.put(kind, directory.resolve(artifactId + "-" + version + suffix));
      }
      Path pom = files.get("pom");
      return new Component(artifactId, files, Files.isRegularFile(pom) ? parse(pom) : null);
    }

    private static Element parse(Path xml) throws Exception {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      return factory.newDocumentBuilder().parse(xml.toFile()).getDocumentElement();
    }
  }
}
