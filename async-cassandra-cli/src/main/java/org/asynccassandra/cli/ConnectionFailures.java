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
package org.asynccassandra.cli;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.NoNodeAvailableException;
import com.datastax.oss.driver.api.core.auth.AuthenticationException;
import com.datastax.oss.driver.api.core.metadata.Node;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * Turns the driver's connection failures into one line that names the address, the cause and what to
 * check, instead of the driver's "Could not reach any contact point ... use getAllErrors() for more".
 */
final class ConnectionFailures {
  private ConnectionFailures() {}

  /** The one-line description of a connection failure, or empty when {@code failure} is not one. */
  static Optional<String> describe(Throwable failure) {
    if (failure instanceof AllNodesFailedException && !(failure instanceof NoNodeAvailableException)) {
      Map<Node, List<Throwable>> errors = ((AllNodesFailedException) failure).getAllErrors();
      if (errors.isEmpty()) {
        return Optional.of("cannot connect: " + firstLine(failure.getMessage()) + "; check --contact-point");
      }
      Map.Entry<Node, List<Throwable>> first = errors.entrySet().iterator().next();
      String address = address(first.getKey());
      Throwable cause = first.getValue().isEmpty() ? failure : first.getValue().get(0);
      return Optional.of(describe(address, cause));
    }
    if (failure instanceof NoNodeAvailableException) {
      return Optional.of("no node of the local datacenter answered: check --datacenter (the datacenter of the "
          + "--contact-point node; with SimpleSnitch it is datacenter1)");
    }
    if (failure instanceof AuthenticationException) {
      return Optional.of(describe(address(((AuthenticationException) failure).getEndPoint()), failure));
    }
    return Optional.empty();
  }

  private static String describe(String address, Throwable cause) {
    AuthenticationException authentication = find(cause, AuthenticationException.class);
    if (authentication != null) {
      String message = firstLine(authentication.getMessage());
      if (message.contains("no authenticator configured")) {
        return "cannot connect to " + address + ": the node requires authentication; give --username and a "
            + "password (--password to be prompted, --password-file FILE, or " + ConnectionOptions.PASSWORD_VARIABLE
            + ")";
      }
      return "cannot log in to " + address + ": " + serverReason(message) + "; check --username and the password"
          + " (--password, --password-file, " + ConnectionOptions.PASSWORD_VARIABLE + ")";
    }
    SSLException tls = find(cause, SSLException.class);
    if (tls != null) {
      return "cannot connect to " + address + ": the TLS handshake failed (" + firstLine(rootMessage(tls)) + "); check"
          + " --truststore (it must trust the node's certificate), --keystore (for nodes that require client"
          + " certificates) and their passwords";
    }
    if (find(cause, ConnectException.class) != null) {
      return "cannot connect to " + address + ": connection refused; check --contact-point (is a node listening"
          + " there?) and --datacenter";
    }
    if (find(cause, UnknownHostException.class) != null) {
      return "cannot connect to " + address + ": unknown host; check --contact-point";
    }
    String reason = firstLine(rootMessage(cause));
    String hint = "check --contact-point and --datacenter";
    if (reason.contains("closed") || reason.contains("reset") || reason.contains("timed out")
        || reason.contains("Timed out") || reason.contains("Lost connection")) {
      hint += ", and --ssl with --truststore if the node requires TLS (client_encryption_options)";
    }
    return "cannot connect to " + address + ": " + reason + "; " + hint;
  }

  private static final java.util.regex.Pattern SERVER_REPLY =
      java.util.regex.Pattern.compile("server replied with '(.*)' to");

  /** The server's words without the driver's wrapping, e.g. "Provided username x and/or password are incorrect". */
  private static String serverReason(String message) {
    java.util.regex.Matcher reply = SERVER_REPLY.matcher(message);
    return reply.find() ? reply.group(1) : message;
  }

  private static String address(Node node) {
    return address(node.getEndPoint());
  }

  /** The address as the user gave it: 127.0.0.1:9042 (not the driver's localhost/127.0.0.1:9042). */
  private static String address(com.datastax.oss.driver.api.core.metadata.EndPoint endPoint) {
    java.net.SocketAddress resolved = endPoint.resolve();
    if (resolved instanceof java.net.InetSocketAddress) {
      java.net.InetSocketAddress socket = (java.net.InetSocketAddress) resolved;
      String host = socket.getAddress() != null ? socket.getAddress().getHostAddress() : socket.getHostString();
      return host + ":" + socket.getPort();
    }
    return endPoint.toString().replaceFirst("^/", "");
  }

  /** The first {@code type} among the failure's causes and suppressed exceptions (the driver hides causes there). */
  private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
    return find(failure, type, java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()));
  }

  private static <T extends Throwable> T find(Throwable failure, Class<T> type, java.util.Set<Throwable> seen) {
    if (failure == null || !seen.add(failure)) {
      return null;
    }
    if (type.isInstance(failure)) {
      return type.cast(failure);
    }
    T found = find(failure.getCause(), type, seen);
    for (Throwable suppressed : failure.getSuppressed()) {
      if (found == null) {
        found = find(suppressed, type, seen);
      }
    }
    return found;
  }

  private static String rootMessage(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage() != null ? root.getMessage() : failure.getMessage();
    return message != null ? message : root.getClass().getSimpleName();
  }

  private static String firstLine(String message) {
    return message == null ? "" : message.lines().findFirst().orElse(message).strip();
  }
}
