package org.asynccassandra.testkit;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The stores a client needs to reach a node started with {@link CassandraServerBuilder#clientEncryption()}:
 * {@code truststore} trusts the node's certificate, {@code keystore} holds a client certificate (key and
 * certificate) that the node trusts. Both are PKCS12 files with the same {@code password}, in the node's
 * folder: they are deleted when the server is closed.
 *
 * @param truststore the PKCS12 truststore that holds the node's certificate
 * @param keystore the PKCS12 keystore that holds the client's key and certificate
 * @param password the password of both stores
 */
public record ClientTls(Path truststore, Path keystore, String password) {
  /** Checks that no component is null. */
  public ClientTls {
    Objects.requireNonNull(truststore, "truststore");
    Objects.requireNonNull(keystore, "keystore");
    Objects.requireNonNull(password, "password");
  }

  @Override
  public String toString() {
    return "ClientTls{truststore " + truststore + ", keystore " + keystore + ", password ***}";
  }
}
