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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Free TCP ports on one or several loopback addresses, and checks that a port is free or open. */
final class Ports {
  private static final int ATTEMPTS = 100;
  /** Where Linux keeps the range of ports it gives the client side of outgoing connections. */
  private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
  /** The lowest port chosen below that range: above the ports of common services. */
  static final int LOWEST = 10_000;

  private Ports() {}

  /**
   * A port free on every one of {@code addresses} (for a cluster, each node has its own address and they
   * all use the same ports) and not in {@code excluded}.
   *
   * <p>On Linux the port is chosen below the range the kernel takes the local ports of outgoing connections
   * from: a port from that range (what a server socket on port 0 gets) could be taken by any connection made
   * between this check and Cassandra's bind, or between a node's kill and its restart on the same port, when
   * the driver reconnects again and again. Elsewhere, or when that range starts too low, the system's choice.
   */
  static int free(List<String> addresses, Collection<Integer> excluded) {
    return free(addresses, excluded, ephemeralRange());
  }

  static int free(List<String> addresses, Collection<Integer> excluded, int[] ephemeralRange) {
    boolean below = ephemeralRange != null && ephemeralRange[0] > LOWEST + ATTEMPTS;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      int port;
      if (below) {
        port = ThreadLocalRandom.current().nextInt(LOWEST, ephemeralRange[0]);
      } else {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(addresses.get(0)))) {
          port = socket.getLocalPort();
        } catch (IOException failure) {
          throw new CassandraStartException("Cannot open any port on " + addresses.get(0) + ": " + failure);
        }
      }
      if (!excluded.contains(port) && addresses.stream().allMatch(address -> isFree(address, port))) {
        return port;
      }
    }
    throw new CassandraStartException("Found no port free on all of " + addresses + " in " + ATTEMPTS + " attempts"
        + (below ? " between " + LOWEST + " and " + ephemeralRange[0] : ""));
  }

  /** The first and last port of Linux's range for outgoing connections, or null where it cannot be read. */
  static int[] ephemeralRange() {
    try {
      // One buffered read: a /proc/sys file gives its value only to a read from its start (Files.readString reads
      // it with a buffer of its reported size, 0, then one byte at a time, and got "3").
      return parseRange(String.join("\n", Files.readAllLines(EPHEMERAL_RANGE)));
    } catch (IOException | RuntimeException unreadable) { // not Linux, or not allowed to read it
      return null;
    }
  }

  /** {@code "32768\t60999\n"} as {@code [32768, 60999]}, or null when it is not two ports in order. */
  static int[] parseRange(String text) {
    String[] parts = text.trim().split("\\s+");
    if (parts.length != 2) {
      return null;
    }
    try {
      int first = Integer.parseInt(parts[0]);
      int last = Integer.parseInt(parts[1]);
      return first > 0 && first <= last && last <= 65_535 ? new int[] {first, last} : null;
    } catch (NumberFormatException notPorts) {
      return null;
    }
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
