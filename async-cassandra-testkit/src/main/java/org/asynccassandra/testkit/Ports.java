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
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Collection;
import java.util.List;

/** Free TCP ports on one or several loopback addresses, and checks that a port is free or open. */
final class Ports {
  private static final int ATTEMPTS = 100;

  private Ports() {}

  /**
   * A port free on every one of {@code addresses} (for a cluster, each node has its own address and they
   * all use the same ports) and not in {@code excluded}.
   */
  static int free(List<String> addresses, Collection<Integer> excluded) {
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      int port;
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(addresses.get(0)))) {
        port = socket.getLocalPort();
      } catch (IOException failure) {
        throw new CassandraStartException("Cannot open any port on " + addresses.get(0) + ": " + failure);
      }
      if (!excluded.contains(port) && addresses.stream().allMatch(address -> isFree(address, port))) {
        return port;
      }
    }
    throw new CassandraStartException("Found no port free on all of " + addresses + " in " + ATTEMPTS + " attempts");
  }

  /**
   * Checks that a server can listen on each of {@code addresses}, before any port is looked at: else an address
   * that is not this machine's was reported as a port in use, or as no free port found.
   *
   * @throws CassandraStartException naming the first address that cannot be listened on, and why
   */
  static void checkListenable(List<String> addresses) {
    for (String address : addresses) {
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(address))) {
        socket.getLocalPort();
      } catch (IOException failure) {
        throw new CassandraStartException("Cannot listen on " + address + " (" + failure.getMessage() + "): it is "
            + "not an address of this machine. Cassandra nodes need one each: on Linux all of 127.0.0.0/8 is "
            + "local; on macOS add 127.0.0.2 and up with 'sudo ifconfig lo0 alias 127.0.0.N up'", failure);
      }
    }
  }

  /** Whether a server could listen on {@code address:port} now. */
  static boolean isFree(String address, int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName(address))) {
      return socket.isBound();
    } catch (IOException taken) {
      return false;
    }
  }

  /** Whether something listens on {@code address}. */
  static boolean isOpen(InetSocketAddress address) {
    try (Socket socket = new Socket()) {
      socket.connect(address, 1_000);
      return true;
    } catch (IOException closed) {
      return false;
    }
  }
}
