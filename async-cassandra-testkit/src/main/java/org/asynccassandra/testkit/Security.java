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

import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.ProgrammaticDriverConfigLoaderBuilder;
import com.datastax.oss.driver.internal.core.auth.PlainTextAuthProvider;
import com.datastax.oss.driver.internal.core.ssl.DefaultSslEngineFactory;
import java.util.Map;

/**
 * A node's security settings: password authentication (a user name and password, or none) and client
 * encryption (the node's stores and its clients', or none). Renders its cassandra.yaml settings and the
 * driver options the testkit's own sessions need to connect.
 */
record Security(String username, String password, TestCertificates.NodeTls tls) { // each may be null
  static final Security NONE = new Security(null, null, null);

  /** The same, logged in as the node's built-in superuser (which exists before any other role). */
  Security builtInSuperuser() {
    return authentication() ? new Security("cassandra", "cassandra", tls) : this;
  }

  boolean authentication() {
    return username != null;
  }

  /** The cassandra.yaml settings, on top of the testkit's defaults. */
  void yaml(Map<String, String> settings) {
    if (authentication()) {
      settings.put("authenticator", "PasswordAuthenticator");
      // Roles are cached for 2 s by default: a test that changes a password sees it at once.
      settings.put("credentials_validity", "0ms");
    }
    if (tls != null) {
      settings.put("client_encryption_options", "{enabled: true, optional: false, require_client_auth: true,"
          + " store_type: PKCS12, keystore: " + ServerSettings.quoted(tls.nodeKeystore().toString())
          + ", keystore_password: " + ServerSettings.quoted(tls.client().password())
          + ", truststore: " + ServerSettings.quoted(tls.nodeTruststore().toString())
          + ", truststore_password: " + ServerSettings.quoted(tls.client().password()) + "}");
    }
  }

  /** Adds the credentials and the client's stores to the driver options of a session to this node. */
  ProgrammaticDriverConfigLoaderBuilder driverOptions(ProgrammaticDriverConfigLoaderBuilder options) {
    if (username != null && password != null) {
      options.withClass(DefaultDriverOption.AUTH_PROVIDER_CLASS, PlainTextAuthProvider.class)
          .withString(DefaultDriverOption.AUTH_PROVIDER_USER_NAME, username)
          .withString(DefaultDriverOption.AUTH_PROVIDER_PASSWORD, password);
    }
    if (tls != null) {
      ClientTls client = tls.client();
      options.withClass(DefaultDriverOption.SSL_ENGINE_FACTORY_CLASS, DefaultSslEngineFactory.class)
          .withString(DefaultDriverOption.SSL_TRUSTSTORE_PATH, client.truststore().toString())
          .withString(DefaultDriverOption.SSL_TRUSTSTORE_PASSWORD, client.password())
          .withString(DefaultDriverOption.SSL_KEYSTORE_PATH, client.keystore().toString())
          .withString(DefaultDriverOption.SSL_KEYSTORE_PASSWORD, client.password());
    }
    return options;
  }

  @Override
  public String toString() {
    return "Security{" + (authentication() ? "user " + username : "no authentication") + ", "
        + (tls != null ? "client encryption" : "no encryption") + "}";
  }
}
