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
package org.asynccassandra;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.zip.CRC32C;
import org.asynccassandra.InvalidResumeTokenException.Reason;
import org.jspecify.annotations.Nullable;

/**
 * An exact place in a query's result: the next row that a consumer has not received yet.
 *
 * <p>It is the server's paging state of the page that row is in, plus how many rows of that page were
 * already delivered, plus a fingerprint of the statement (query text, keyspace and bound values), so it
 * resumes at that exact row (whatever the fetch size of the new stream) and only for the same statement.
 * Get one from {@link QueryStream#position()} or {@link Page#resumeToken()}; resume with
 * {@link StreamConfig.Builder#resumeFrom(ResumeToken)}.
 *
 * <p><b>Format</b> ({@link #encode()}), URL-safe base64 without padding of:
 * <pre>
 *   version (1 byte, = 1) | flags (1 byte: 1 = signed, 2 = end of result)
 *   | statement fingerprint (16 bytes) | paging state length (varint) | paging state
 *   | rows to skip in that page (varint)
 *   | CRC32C of all the above (4 bytes), or HMAC-SHA256 (32 bytes) when signed
 * </pre>
 * An unsigned token detects corruption but not forgery; tokens that leave the process (web links, job
 * files) should be signed with a {@link ResumeTokenSigner}. Decoding never reads more than
 * {@value #MAX_ENCODED_LENGTH} characters and fails only with {@link InvalidResumeTokenException}.
 *
 * <p>Immutable and thread-safe. If the table changes between the two streams, a token at a page boundary
 * ({@link #rowOffset()} 0) continues after the same key position, as the driver's own paging does. A token
 * inside a page counts the rows to skip in that page: rows inserted or deleted there in between shift it,
 * and the resumed stream repeats or misses that many rows.
 */
public final class ResumeToken {
  /**
   * The longest encoded token accepted: enough for a token of the longest paging state, 256 KiB (the
   * paging state holds the last row's partition key and clustering values, each up to 64 KiB).
   */
  public static final int MAX_ENCODED_LENGTH = 352 * 1024;
  static final byte VERSION = 1;
  static final int FLAG_SIGNED = 1;
  static final int FLAG_END = 2;
  static final int FINGERPRINT_LENGTH = 16;
  static final int CHECKSUM_LENGTH = 4;
  static final int MAX_PAGING_STATE_LENGTH = 256 * 1024;

  private final byte[] fingerprint;
  private final byte[] pagingState; // empty: the start of the result
  private final int rowOffset;
  private final boolean end;

  private ResumeToken(byte[] fingerprint, byte[] pagingState, int rowOffset, boolean end) {
    this.fingerprint = fingerprint;
    this.pagingState = pagingState;
    this.rowOffset = rowOffset;
    this.end = end;
  }

  /**
   * A token from its parts; streams make these for you.
   *
   * @param fingerprint the statement's 16-byte fingerprint
   * @param pagingState the paging state of the page to resume in, {@code null} for the first page
   * @param rowOffset the rows of that page already delivered
   * @param end whether the result is exhausted (resuming yields no row)
   * @return a new token; it holds copies of {@code fingerprint} and of the paging state's remaining bytes
   *     (the buffer's position is not moved)
   * @throws IllegalArgumentException if {@code fingerprint} is null or not 16 bytes long, {@code rowOffset}
   *     is negative, or the paging state is longer than 256 KiB
   */
  public static ResumeToken of(byte[] fingerprint, @Nullable ByteBuffer pagingState, int rowOffset, boolean end) {
    if (fingerprint == null || fingerprint.length != FINGERPRINT_LENGTH) {
      throw new IllegalArgumentException("fingerprint must have " + FINGERPRINT_LENGTH + " bytes");
    }
    if (rowOffset < 0) {
      throw new IllegalArgumentException("rowOffset must be >= 0: " + rowOffset);
    }
    byte[] state = new byte[0];
    if (pagingState != null) {
      state = new byte[pagingState.remaining()];
      pagingState.duplicate().get(state);
    }
    if (state.length > MAX_PAGING_STATE_LENGTH) {
      throw new IllegalArgumentException("paging state is larger than " + MAX_PAGING_STATE_LENGTH + " bytes: "
          + state.length);
    }
    return new ResumeToken(fingerprint.clone(), state, rowOffset, end);
  }

  /**
   * The paging state of the page to resume in.
   *
   * @return a read-only view of it (a new buffer on each call), or empty for the first page of the result
   *     and for a token at the end
   */
  public Optional<ByteBuffer> pagingState() {
    return pagingState.length == 0 ? Optional.empty() : Optional.of(ByteBuffer.wrap(pagingState).asReadOnlyBuffer());
  }

  /**
   * How many rows of that page were already delivered and are skipped on resume.
   *
   * @return the rows to skip, {@code >= 0}; 0 when the token points at the start of a page
   */
  public int rowOffset() {
    return rowOffset;
  }

  /**
   * Whether the result was exhausted: a stream resumed here ends at once.
   *
   * @return true for the position after the last row of the result
   */
  public boolean isEnd() {
    return end;
  }

  /**
   * Whether this token was made for a statement with this fingerprint. Compares in constant time.
   *
   * @param statementFingerprint the 16-byte fingerprint of the statement about to be resumed
   * @return true when the fingerprints are equal; false otherwise, also for null or an array of another
   *     length
   */
  public boolean matches(byte[] statementFingerprint) {
    return java.security.MessageDigest.isEqual(fingerprint, statementFingerprint);
  }

  /**
   * The unsigned, URL-safe text form; see the class documentation.
   *
   * @return URL-safe base64 without padding, with a CRC32C checksum, that {@link #decode} reads back
   */
  public String encode() {
    byte[] body = body(false);
    CRC32C crc = new CRC32C();
    crc.update(body);
    byte[] checksum = ByteBuffer.allocate(CHECKSUM_LENGTH).putInt((int) crc.getValue()).array();
    return base64(concat(body, checksum));
  }

  /**
   * Reads an unsigned token. A signed one must be read by its {@link ResumeTokenSigner}.
   *
   * @param text the text {@link #encode()} returned; any string is accepted here, null and empty included,
   *     and checked before it is used
   * @return the token, equal to the one that was encoded
   * @throws InvalidResumeTokenException when the text is null or empty, longer than
   *     {@value #MAX_ENCODED_LENGTH} characters, not base64, signed, of an unknown version, truncated, or its
   *     checksum does not match; {@link InvalidResumeTokenException#reason()} says which
   */
  public static ResumeToken decode(String text) {
    byte[] bytes = decodeBytes(text);
    checkHeader(bytes);
    if ((bytes[1] & FLAG_SIGNED) != 0) {
      throw new InvalidResumeTokenException(Reason.SIGNED,
          "the token is signed; decode it with the ResumeTokenSigner that signed it");
    }
    int bodyLength = bytes.length - CHECKSUM_LENGTH;
    if (bodyLength < 2) {
      throw new InvalidResumeTokenException(Reason.MALFORMED, "the token is truncated");
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bodyLength);
    if (ByteBuffer.wrap(bytes, bodyLength, CHECKSUM_LENGTH).getInt() != (int) crc.getValue()) {
      throw new InvalidResumeTokenException(Reason.MALFORMED, "the token's checksum does not match: it was "
          + "corrupted or truncated");
    }
    return parseBody(bytes, bodyLength);
  }

  byte[] body(boolean signed) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(32 + pagingState.length);
    out.write(VERSION);
    out.write((signed ? FLAG_SIGNED : 0) | (end ? FLAG_END : 0));
    out.writeBytes(fingerprint);
    writeVarint(out, pagingState.length);
    out.writeBytes(pagingState);
    writeVarint(out, rowOffset);
    return out.toByteArray();
  }

  static String base64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static byte[] concat(byte[] first, byte[] second) {
    byte[] all = Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, all, first.length, second.length);
    return all;
  }

  /** Checks length and base64, and returns the bytes. */
  static byte[] decodeBytes(String text) {
    if (text == null || text.isEmpty()) {
      throw new InvalidResumeTokenException(Reason.EMPTY, "the token is empty");
    }
    if (text.length() > MAX_ENCODED_LENGTH) {
      throw new InvalidResumeTokenException(Reason.TOO_LARGE, "the token has " + text.length()
          + " characters, more than the " + MAX_ENCODED_LENGTH + " a token can have");
    }
    byte[] bytes;
    try {
      bytes = Base64.getUrlDecoder().decode(text);
    } catch (IllegalArgumentException notBase64) {
      throw new InvalidResumeTokenException(Reason.NOT_BASE64, "the token is not URL-safe base64 text");
    }
    // The decoder also takes '=' padding and ignores the unused bits of the last character: several texts
    // would decode to one token, and a service that keys on the text (a one-time link, a replay check) could
    // be passed an altered copy. Only the text this library writes is accepted.
    if (!base64(bytes).equals(text)) {
      throw new InvalidResumeTokenException(Reason.NOT_BASE64, "the token is not in the form this library "
          + "writes (URL-safe base64 without padding, unused bits zero)");
    }
    return bytes;
  }

  /** Checks the version byte and the flags. */
  static void checkHeader(byte[] bytes) {
    if (bytes.length < 2) {
      throw new InvalidResumeTokenException(Reason.MALFORMED, "the token is truncated");
    }
    if (bytes[0] != VERSION) {
      throw new InvalidResumeTokenException(Reason.UNKNOWN_VERSION, "version " + (bytes[0] & 0xff)
          + " is not one this library reads (it reads version " + VERSION + ")");
    }
    if ((bytes[1] & ~(FLAG_SIGNED | FLAG_END)) != 0) {
      throw new InvalidResumeTokenException(Reason.MALFORMED, "unknown flags " + (bytes[1] & 0xff));
    }
  }

  /** Parses version, flags, fingerprint, paging state and offset from bytes[0, length). */
  static ResumeToken parseBody(byte[] bytes, int length) {
    ByteBuffer in = ByteBuffer.wrap(bytes, 0, length);
    in.get(); // version, checked
    boolean end = (in.get() & FLAG_END) != 0;
    if (in.remaining() < FINGERPRINT_LENGTH) {
      throw new InvalidResumeTokenException(Reason.MALFORMED, "the token is truncated");
    }
    byte[] fingerprint = new byte[FINGERPRINT_LENGTH];
    in.get(fingerprint);
    int stateLength = readVarint(in, MAX_PAGING_STATE_LENGTH, "paging state length");
    if (in.remaining() < stateLength) {
      throw new InvalidResumeTokenException(Reason.MALFORMED, "the token is truncated");
    }
    byte[] state = new byte[stateLength];
    in.get(state);
    int offset = readVarint(in, Integer.MAX_VALUE, "row offset");
    if (in.hasRemaining()) {
      throw new InvalidResumeTokenException(Reason.MALFORMED, "the token has " + in.remaining() + " extra bytes");
    }
    return new ResumeToken(fingerprint, state, offset, end);
  }

  private static void writeVarint(ByteArrayOutputStream out, int value) {
    int remaining = value;
    while ((remaining & ~0x7f) != 0) {
      out.write((remaining & 0x7f) | 0x80);
      remaining >>>= 7;
    }
    out.write(remaining);
  }

  private static int readVarint(ByteBuffer in, int max, String what) {
    long value = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      if (!in.hasRemaining()) {
        throw new InvalidResumeTokenException(Reason.MALFORMED, "the token is truncated");
      }
      byte next = in.get();
      value |= (long) (next & 0x7f) << shift;
      if ((next & 0x80) == 0) {
        if (value > max) {
          throw new InvalidResumeTokenException(Reason.MALFORMED, "the " + what + " " + value
              + " is larger than " + max);
        }
        return (int) value;
      }
    }
    throw new InvalidResumeTokenException(Reason.MALFORMED, "the " + what + " is not a valid number");
  }

  @Override
  public boolean equals(@Nullable Object other) {
    if (!(other instanceof ResumeToken)) {
      return false;
    }
    ResumeToken that = (ResumeToken) other;
    return rowOffset == that.rowOffset && end == that.end && Arrays.equals(fingerprint, that.fingerprint)
        && Arrays.equals(pagingState, that.pagingState);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Arrays.hashCode(pagingState) + rowOffset) + (end ? 1 : 0);
  }

  /** A short description, not the encoded form: use {@link #encode()} for that. */
  @Override
  public String toString() {
    return end ? "ResumeToken{end}" : "ResumeToken{pagingState=" + pagingState.length + " bytes, rowOffset="
        + rowOffset + "}";
  }
}
