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

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Makes the certificates of a node with client encryption at test time: the JDK's own {@code keytool} (two
 * child processes, in parallel) makes a self-signed node certificate for the node's addresses and a
 * self-signed client certificate; each side's truststore, holding the other's certificate, is written
 * in-process. EC keys (P-256), valid for two days, PKCS12 stores with one random password. About one JVM
 * start: 1 s on an idle machine, several on a loaded one.
 */
final class TestCertificates {
  private static final String STORE_TYPE = "PKCS12";

  /** What a node with client encryption needs, and what its clients need. */
  record NodeTls(Path nodeKeystore, Path nodeTruststore, ClientTls client) {}

  private TestCertificates() {}

  /** Makes the stores in {@code folder} for a node listening on {@code addresses}. */
  static NodeTls generate(Path folder, List<String> addresses) {
    byte[] secret = new byte[12];
    new SecureRandom().nextBytes(secret);
    String password = HexFormat.of().formatHex(secret);
    Path nodeKeystore = folder.resolve("node-keystore.p12");
    Path nodeTruststore = folder.resolve("node-truststore.p12");
    Path clientKeystore = folder.resolve("client-keystore.p12");
    Path clientTruststore = folder.resolve("client-truststore.p12");
    String san = "SAN=" + addresses.stream().map(address -> "ip:" + address).collect(Collectors.joining(","))
        + ",dns:localhost";
    try {
      Files.createDirectories(folder);
      CompletableFuture<Void> node = CompletableFuture.runAsync(() -> keytool(folder, password, "-genkeypair",
          "-alias", "node", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
          "CN=" + addresses.get(0) + ", O=async-cassandra testkit", "-ext", san, "-validity", "2",
          "-keystore", nodeKeystore.toString()));
      CompletableFuture<Void> client = CompletableFuture.runAsync(() -> keytool(folder, password, "-genkeypair",
          "-alias", "client", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
          "CN=async-cassandra testkit client", "-validity", "2", "-keystore", clientKeystore.toString()));
      CompletableFuture.allOf(node, client).join();
      // Each side trusts the other's certificate: copied in-process, cheaper than two more keytool runs.
      trust(nodeKeystore, "node", clientTruststore, password);
      trust(clientKeystore, "client", nodeTruststore, password);
    } catch (IOException | GeneralSecurityException | CompletionException failure) {
      Throwable cause = failure instanceof CompletionException && failure.getCause() != null
          ? failure.getCause() : failure;
      throw new CassandraStartException("Cannot make the test certificates in " + folder + ": "
          + cause.getMessage(), cause);
    }
    return new NodeTls(nodeKeystore, nodeTruststore, new ClientTls(clientTruststore, clientKeystore, password));
  }

  /** Writes a truststore holding the certificate of {@code alias} in {@code keystore}. */
  private static void trust(Path keystore, String alias, Path truststore, String password)
      throws IOException, GeneralSecurityException {
    KeyStore keys = KeyStore.getInstance(STORE_TYPE);
    try (InputStream in = Files.newInputStream(keystore)) {
      keys.load(in, password.toCharArray());
    }
    KeyStore trusted = KeyStore.getInstance(STORE_TYPE);
    trusted.load(null, null);
    trusted.setCertificateEntry(alias, keys.getCertificate(alias));
    try (OutputStream out = Files.newOutputStream(truststore)) {
      trusted.store(out, password.toCharArray());
    }
  }

  /** Runs the keytool of the JDK this JVM runs on; the password goes through its environment, not its arguments. */
  private static void keytool(Path folder, String password, String... arguments) {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    List<String> command = new ArrayList<>(List.of(keytool.toString()));
    command.addAll(List.of(arguments));
    command.addAll(List.of("-storetype", STORE_TYPE, "-storepass:env", "TESTKIT_STORE_PASSWORD"));
    if (arguments[0].equals("-genkeypair")) {
      command.addAll(List.of("-keypass:env", "TESTKIT_STORE_PASSWORD"));
    }
    ProcessBuilder builder = new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true);
    builder.environment().put("TESTKIT_STORE_PASSWORD", password);
    try {
      // A file of its own (keytools run at once), not a pipe: a keytool that hangs is bounded by waitFor.
      Path log = Files.createTempFile(folder, "keytool-", ".log");
      builder.redirectOutput(log.toFile());
      Process process = builder.start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("keytool " + arguments[0] + " did not end within 60 s");
      }
      String output = Files.readString(log, StandardCharsets.UTF_8);
      Files.deleteIfExists(log);
      if (process.exitValue() != 0) {
        throw new IllegalStateException("keytool " + arguments[0] + " failed with exit code "
            + process.exitValue() + ": " + output.strip());
      }
    } catch (IOException failure) {
      throw new IllegalStateException("Cannot run " + keytool + ": " + failure.getMessage(), failure);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while running keytool", interrupted);
    }
  }
}
