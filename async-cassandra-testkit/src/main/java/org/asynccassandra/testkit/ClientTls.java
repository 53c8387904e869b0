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
  /**
   * Checks that no component is null.
   *
   * @param truststore the PKCS12 truststore that holds the node's certificate
   * @param keystore the PKCS12 keystore that holds the client's key and certificate
   * @param password the password of both stores
   * @throws NullPointerException if a component is null
   */
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
