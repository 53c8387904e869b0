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

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * Where a {@link TableScan} is: for each token range, done, not started, or the exact place of its next
 * row. A scan resumed from it ({@link ScanConfig.Builder#resumeFrom}) reads the same ranges (no re-split
 * is needed, whatever the cluster's token map is now), skips the ones done, and repeats no row. A range in
 * progress resumes at a page's start and skips the rows of that page already delivered ({@link
 * Range#rowsToSkip()}): if rows of that page were inserted or deleted (or, with a restriction, stopped or
 * started matching it) between the two scans, that many rows are repeated or missed, as with a
 * {@link ResumeToken} taken inside a page.
 *
 * <p>It is bound to its keyspace, table and query shape (columns and restriction): resuming a checkpoint of
 * another scan fails with {@link IllegalArgumentException} before any query runs. Its text form is a small
 * line-based file ({@link #encode()}, {@link #write(Path)}); lines starting with {@code #} after the first
 * are comments that {@link #decode} skips, so tools can keep their own notes in the same file ({@link
 * #write(Path, List)} writes them). A checksum line covers every line, notes included, so that a file
 * edited by hand or damaged is refused instead of resumed with ranges skipped or rows repeated. Immutable
 * and thread-safe.
 */
public final class ScanCheckpoint implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  private static final String HEADER = "# async-cassandra scan checkpoint";
  private static final String END = "end";
  private static final String CHECKSUM = "checksum";
  private static final String CRC32C = "crc32c";
  // 4: a checksum line before the end line, over every line between the header and it (write's notes
  // included), so that a file edited by hand or damaged is refused, not resumed with ranges skipped or rows
  // repeated; 3: the number of ranges before them and an end line after them (and after write's notes), so
  // that a file cut short anywhere is refused, not read as a scan of fewer ranges or fewer rows; 2: rows
  // delivered per range; 1 to 3 are still read
  private static final int VERSION = 4;
  /** The first version with a checksum line. */
  private static final int CHECKSUMMED = 4;

  /** The state of one range. */
  public enum State {
    /** Not started: a resumed scan reads the whole range. */
    PENDING,
    /**
     * Started: a resumed scan continues at the range's paging state and skips the rows of that page
     * already delivered.
     */
    IN_PROGRESS,
    /** Read in full: a resumed scan skips the range. */
    DONE
  }

  // '@serial exclude': the javadoc of JDK 17 asks for comments on a serializable record's private fields,
  // which a record cannot have (JDK-8275199, fixed in JDK 18); its serial form is its components anyway.
  /**
   * One token range: {@code (start, end]} as the token map formats tokens, or {@code *} and {@code *} for
   * the whole ring, with its state and, in progress, the paging state and the rows of that page already
   * delivered. Serializable as a record: exactly its components, as the Java Object Serialization
   * Specification defines it for every record.
   *
   * @param start the exclusive start token, or {@code *} (with {@code end} {@code *}) for the whole ring
   * @param end the inclusive end token, or {@code *} for the whole ring
   * @param state where the range is
   * @param pagingState for a range in progress, the driver's paging state of the next page as URL-safe
   *     base64 without padding, or null to start the range from its first page; null in any other state
   * @param rowsToSkip for a range in progress, the rows at the start of that page already delivered, which
   *     a resumed scan skips; 0 in any other state
   * @param rowsDelivered the rows of the range delivered so far, by this scan and the scans it continues
   * @serial exclude
   */
  public record Range(String start, String end, State state, @Nullable String pagingState, int rowsToSkip,
      long rowsDelivered) implements java.io.Serializable {
    /**
     * Checks the values: the bounds make a {@link ScanRange}, {@code rowsToSkip >= 0} and
     * {@code rowsDelivered >= 0}.
     *
     * @param start the exclusive start token, or {@code *} (with {@code end} {@code *}) for the whole ring
     * @param end the inclusive end token, or {@code *} for the whole ring
     * @param state where the range is
     * @param pagingState for a range in progress, the paging state of its next page as URL-safe base64, or
     *     null to start the range from its first page; null in any other state
     * @param rowsToSkip for a range in progress, the rows at the start of that page already delivered,
     *     {@code >= 0}; 0 in any other state
     * @param rowsDelivered the rows of the range delivered so far, {@code >= 0}
     * @throws IllegalArgumentException when the bounds are not a {@link ScanRange} (see
     *     {@link ScanRange#of}), a count is negative, or a range not in progress has a paging state or rows
     *     to skip; the message holds the bad values
     * @throws NullPointerException if {@code start}, {@code end} or {@code state} is null
     */
    public Range {
      ScanRange.of(start, end);
      Objects.requireNonNull(state, "state");
      if (rowsToSkip < 0) {
        throw new IllegalArgumentException("rowsToSkip must be >= 0: " + rowsToSkip);
      }
      if (rowsDelivered < 0) {
        throw new IllegalArgumentException("rowsDelivered must be >= 0: " + rowsDelivered);
      }
      if (state != State.IN_PROGRESS && (pagingState != null || rowsToSkip != 0)) {
        throw new IllegalArgumentException("Only a range in progress has a place: " + state + " with "
            + pagingState + ", " + rowsToSkip);
      }
    }

    /**
     * A range with its place, and no count of rows delivered (0), as checkpoints of version 1 held it.
     *
     * @param start the exclusive start token, or {@code *} (with {@code end} {@code *}) for the whole ring
     * @param end the inclusive end token, or {@code *} for the whole ring
     * @param state where the range is
     * @param pagingState for a range in progress, the paging state of its next page as URL-safe base64, or
     *     null to start the range from its first page; null in any other state
     * @param rowsToSkip for a range in progress, the rows at the start of that page already delivered,
     *     {@code >= 0}; 0 in any other state
     * @throws IllegalArgumentException as the canonical constructor does
     * @throws NullPointerException if {@code start}, {@code end} or {@code state} is null
     */
    public Range(String start, String end, State state, @Nullable String pagingState, int rowsToSkip) {
      this(start, end, state, pagingState, rowsToSkip, 0);
    }

    /**
     * A range not started yet.
     *
     * @param range the token range
     * @return the range in state {@link State#PENDING}, with no place and no rows delivered
     */
    public static Range pending(ScanRange range) {
      return new Range(range.start(), range.end(), State.PENDING, null, 0, 0);
    }

    /**
     * The token range itself.
     *
     * @return a {@link ScanRange} of {@link #start()} and {@link #end()}
     */
    public ScanRange range() {
      return ScanRange.of(start, end);
    }

    /**
     * Whether the range is the whole ring.
     *
     * @return true when {@link #start()} and {@link #end()} are {@code *}
     */
    public boolean isFullRing() {
      return range().isFullRing();
    }
  }

  /** The scanned keyspace; part of the serialized form. */
  private final String keyspace;
  /** The scanned table; part of the serialized form. */
  private final String table;
  /** A hash of the columns and restriction the scan read; part of the serialized form. */
  private final String queryFingerprint;
  /** Every range of the scan, in the scan's order (unmodifiable); part of the serialized form. */
  private final List<Range> ranges;

  /**
   * A checkpoint of {@code ranges}, for a scan of {@code keyspace.table} with the given query shape. Scans
   * make these for you ({@link TableScan#checkpoint()}); a tool may build one, for example to resume only
   * some ranges.
   *
   * @param keyspace the scanned keyspace, as the scan names it
   * @param table the scanned table, as the scan names it
   * @param queryFingerprint the {@link #queryFingerprint()} of the scan's columns and restriction, as an
   *     earlier checkpoint of the same scan holds it
   * @param ranges every range of the scan with its state, in the scan's order; copied
   * @throws NullPointerException if an argument is null, or {@code ranges} holds a null
   */
  public ScanCheckpoint(String keyspace, String table, String queryFingerprint, List<Range> ranges) {
    this.keyspace = Objects.requireNonNull(keyspace, "keyspace");
    this.table = Objects.requireNonNull(table, "table");
    this.queryFingerprint = Objects.requireNonNull(queryFingerprint, "queryFingerprint");
    this.ranges = List.copyOf(ranges);
  }

  /**
   * The keyspace of the scan this checkpoint belongs to; resuming it in a scan of another keyspace fails.
   *
   * @return the keyspace name, as the scan was given it
   */
  public String keyspace() {
    return keyspace;
  }

  /**
   * The table of the scan this checkpoint belongs to; resuming it in a scan of another table fails.
   *
   * @return the table name, as the scan was given it
   */
  public String table() {
    return table;
  }

  /**
   * A hash of the columns and restriction the scan read; a scan of other columns or another restriction
   * refuses to resume from this checkpoint.
   *
   * @return the hash as hexadecimal text, opaque to the caller
   */
  public String queryFingerprint() {
    return queryFingerprint;
  }

  /**
   * Every range of the scan with its state, in the order the scan planned them.
   *
   * @return an unmodifiable list
   */
  public List<Range> ranges() {
    return ranges;
  }

  /**
   * How many ranges were read in full; with {@code ranges().size()}, a progress figure.
   *
   * @return the number of ranges in state {@link State#DONE}
   */
  public long rangesDone() {
    return ranges.stream().filter(range -> range.state() == State.DONE).count();
  }

  /**
   * Whether every range is done: resuming reads nothing.
   *
   * @return true when every range is in state {@link State#DONE}
   */
  public boolean isComplete() {
    return rangesDone() == ranges.size();
  }

  /**
   * The text form: a header, the number of ranges, one line per range, a checksum line, then an end line.
   *
   * @return the text, lines ended by {@code \n}, that {@link #decode} reads back into an equal checkpoint
   */
  public String encode() {
    return encode(List.of());
  }

  /** The text form with {@code notes} as comment lines after the ranges, covered by the checksum. */
  private String encode(List<String> notes) {
    List<String> lines = new ArrayList<>();
    lines.add("version " + VERSION);
    lines.add("keyspace " + keyspace);
    lines.add("table " + table);
    lines.add("query " + queryFingerprint);
    lines.add("ranges " + ranges.size());
    for (Range range : ranges) {
      lines.add(rangeLine(range));
    }
    for (String note : notes) {
      lines.add("# " + note.replace('\n', ' '));
    }
    StringBuilder text = new StringBuilder(HEADER).append('\n');
    LineChecksum checksum = new LineChecksum();
    for (String line : lines) {
      text.append(line).append('\n');
      checksum.add(line);
    }
    return text.append(CHECKSUM).append(' ').append(CRC32C).append(' ').append(checksum.hex()).append('\n')
        .append(END).append('\n').toString();
  }

  private static String rangeLine(Range range) {
    StringBuilder text = new StringBuilder("range ").append(range.start()).append(' ').append(range.end())
        .append(' ');
    switch (range.state()) {
      case DONE:
        text.append("done");
        break;
      case PENDING:
        text.append("pending");
        break;
      default:
        text.append("at ").append(range.pagingState() == null ? "-" : range.pagingState())
            .append(' ').append(range.rowsToSkip());
    }
    return text.append(" rows ").append(range.rowsDelivered()).toString();
  }

  /**
   * CRC-32C over lines as {@link #decode} reads them: stripped, each followed by a line break. Blank lines are
   * not added (decode skips them), so that the checksum covers what is read, not how it is spaced.
   */
  private static final class LineChecksum {
    private final CRC32C crc = new CRC32C();

    void add(String line) {
      crc.update((line.strip() + "\n").getBytes(StandardCharsets.UTF_8));
    }

    String hex() {
      return String.format(Locale.ROOT, "%08x", crc.getValue());
    }
  }

  /** The largest file {@link #read} takes: 1 GiB, far above the checkpoint of a scan of a million ranges. */
  private static final long MAX_FILE_BYTES = 1L << 30;

  /**
   * Reads the text form. Blank lines and lines starting with {@code #} are skipped; the checksum line covers
   * every line between the header and it, comments included, so that a file edited by hand (a range marked
   * done, a count or a paging state changed, a note of {@link #write(Path, List)} changed) is refused rather
   * than resumed with ranges skipped or rows repeated. Whitespace at the start and end of lines and blank
   * lines do not count. To resume only some ranges, build a checkpoint with the constructor instead of
   * editing a file. Checkpoints of versions 1 (without rows delivered), 2 (without the number of ranges, so a
   * file of theirs cut short at a line's end cannot be told from a smaller scan) and 3 (without a checksum,
   * so an edit of theirs cannot be told) are read too.
   *
   * @param text the text {@link #encode()} or {@link #write(Path, List)} wrote
   * @return the checkpoint
   * @throws IllegalArgumentException naming the bad line when the text is not a checkpoint (an unknown
   *     line or version, a malformed range, a paging state that is not base64, a line after the checksum
   *     line), or it lacks the header, the keyspace, the table, the query, the ranges or (from version 4) its
   *     checksum line, or it holds fewer or more ranges than it says (a file cut short or edited), or its
   *     lines do not match its checksum (a file edited or damaged)
   */
  public static ScanCheckpoint decode(String text) {
    String keyspace = null;
    String table = null;
    String query = null;
    boolean header = false;
    int version = 0;
    int declaredRanges = -1;
    boolean ended = false;
    boolean checked = false;
    LineChecksum checksum = new LineChecksum();
    List<Range> ranges = new ArrayList<>();
    int number = 0;
    for (String line : text.split("\n")) {
      number++;
      String trimmed = line.strip();
      if (trimmed.isEmpty()) {
        continue;
      }
      if (trimmed.equals(HEADER) && !header) {
        header = true;
        continue;
      }
      if (ended) {
        throw bad(number, "'" + trimmed + "' after the end line");
      }
      if (checked && !trimmed.equals(END)) {
        throw bad(number, "'" + trimmed + "' after the checksum line, which must be followed by the end line");
      }
      String[] words = trimmed.split(" ");
      if (!words[0].equals(CHECKSUM)) {
        checksum.add(trimmed);
      }
      if (trimmed.startsWith("#")) {
        continue; // comments: tools may keep notes of their own here
      }
      try {
        switch (words[0]) {
          case "version":
            version = Integer.parseInt(words[1]);
            if (version < 1 || version > VERSION) {
              throw bad(number, "version " + words[1] + " is not one this library reads");
            }
            break;
          case "ranges":
            declaredRanges = Integer.parseInt(words[1]);
            break;
          case "keyspace":
            keyspace = words[1];
            break;
          case "table":
            table = words[1];
            break;
          case "query":
            query = words[1];
            break;
          case "range":
            ranges.add(parseRange(words, number, version));
            break;
          case CHECKSUM:
            if (version < CHECKSUMMED) {
              throw bad(number, "a checksum line in a checkpoint of version " + version
                  + ", which has none: the file was edited");
            }
            checkSum(words, checksum.hex(), number);
            checked = true;
            break;
          case END:
            ended = true;
            break;
          default:
            throw bad(number, "unknown line '" + trimmed + "'");
        }
      } catch (ArrayIndexOutOfBoundsException | NumberFormatException malformed) {
        throw bad(number, "malformed line '" + trimmed + "'");
      }
    }
    if (!header || keyspace == null || table == null || query == null || ranges.isEmpty()) {
      throw new IllegalArgumentException("Not an async-cassandra scan checkpoint: it lacks the header, the "
          + "keyspace, the table, the query or the ranges");
    }
    if (version >= 3 && (declaredRanges < 0 || !ended)) {
      throw new IllegalArgumentException("Not a valid scan checkpoint: version " + version + " lacks "
          + (declaredRanges < 0 ? "the line 'ranges N' that says how many ranges it holds" : "its end line")
          + "; the file was cut short or edited. Resume from an intact copy, or scan again from the start");
    }
    if (version >= CHECKSUMMED && !checked) {
      throw new IllegalArgumentException("Not a valid scan checkpoint: version " + version + " lacks its "
          + "checksum line; the file was cut short or edited. Resume from an intact copy, or scan again from "
          + "the start");
    }
    if (declaredRanges >= 0 && declaredRanges != ranges.size()) {
      throw new IllegalArgumentException("Not a valid scan checkpoint: it says it holds " + declaredRanges
          + " ranges but holds " + ranges.size() + "; the file was cut short or edited, and resuming it would "
          + "skip the ranges it lost. Resume from an intact copy, or scan again from the start");
    }
    return new ScanCheckpoint(keyspace, table, query, ranges);
  }

  /** Checks a line {@code checksum crc32c <hex>} against {@code computed}, the checksum of the lines before. */
  private static void checkSum(String[] words, String computed, int number) {
    if (words.length != 3 || !words[1].equals(CRC32C)) {
      throw bad(number, "expected 'checksum crc32c <8 hexadecimal digits>'");
    }
    if (!words[2].equalsIgnoreCase(computed)) {
      throw bad(number, "the lines above do not match the checksum (crc32c " + words[2] + " written, " + computed
          + " computed): the file was edited or damaged, and resuming it could skip ranges or repeat rows. "
          + "Resume from an intact copy, or scan again from the start; to resume only some ranges, build a "
          + "checkpoint with new ScanCheckpoint(...) and write() it");
    }
  }

  private static Range parseRange(String[] words, int number, int version) {
    String start = words[1];
    String end = words[2];
    int next;
    State state;
    String pagingState = null;
    int skip = 0;
    switch (words[3]) {
      case "done":
        state = State.DONE;
        next = 4;
        break;
      case "pending":
        state = State.PENDING;
        next = 4;
        break;
      case "at":
        state = State.IN_PROGRESS;
        pagingState = words[4].equals("-") ? null : words[4];
        if (pagingState != null) {
          try {
            Base64.getUrlDecoder().decode(pagingState);
          } catch (IllegalArgumentException notBase64) {
            throw bad(number, "the paging state is not base64");
          }
        }
        skip = Integer.parseInt(words[5]);
        next = 6;
        break;
      default:
        throw bad(number, "unknown range state '" + words[3] + "'");
    }
    long rows = 0;
    if (version >= 2 && words.length <= next) {
      throw bad(number, "'rows N' is missing after the range's state");
    }
    if (words.length > next) {
      if (!words[next].equals("rows") || words.length != next + 2) {
        throw bad(number, "expected 'rows N' after the range's state");
      }
      rows = Long.parseLong(words[next + 1]);
    }
    try {
      return new Range(start, end, state, pagingState, skip, rows);
    } catch (IllegalArgumentException invalid) {
      throw bad(number, String.valueOf(invalid.getMessage()));
    }
  }

  /**
   * Rows delivered over every range, by this scan and the scans it continues.
   *
   * @return the sum of the ranges' {@link Range#rowsDelivered()}, {@code >= 0}
   */
  public long rowsDelivered() {
    return ranges.stream().mapToLong(Range::rowsDelivered).sum();
  }

  private static IllegalArgumentException bad(int line, String why) {
    return new IllegalArgumentException("Not a valid scan checkpoint, line " + line + ": " + why);
  }

  /**
   * Writes the text form to {@code file} atomically (a temporary file, then a rename). Blocks the calling
   * thread on file I/O.
   *
   * @param file the file to write; an existing one is replaced. The temporary file is {@code file}'s name
   *     with {@code .tmp} appended, in the same directory
   * @throws IOException when the temporary file cannot be written or moved; {@code file} is then left as it
   *     was, and the temporary file is deleted
   */
  public void write(Path file) throws IOException {
    write(file, List.of());
  }

  /**
   * Writes the text form with comment lines of the caller's own ({@code "# "} is prefixed) to {@code file}
   * atomically: a temporary file, then a rename, which is atomic where the file system supports it and a
   * plain replace otherwise. Blocks the calling thread on file I/O.
   *
   * @param file the file to write; an existing one is replaced
   * @param notes the comment lines, one per note, after the ranges and before the checksum and end lines (the
   *     checksum covers them); a line break in a note becomes a space
   * @throws IOException when the temporary file cannot be written or moved; {@code file} is then left as it
   *     was, and the temporary file is deleted
   */
  public void write(Path file, List<String> notes) throws IOException {
    Path absolute = file.toAbsolutePath();
    Path temporary = absolute.resolveSibling(absolute.getFileName() + ".tmp");
    // The notes go before the checksum and end lines, so that a file cut or edited inside them is refused.
    String text = encode(notes);
    try {
      try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer bytes = StandardCharsets.UTF_8.encode(text);
        while (bytes.hasRemaining()) {
          channel.write(bytes);
        }
        channel.force(true); // on disk before the rename: a crash leaves the old file or the whole new one
      }
      try {
        Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException notAtomic) {
        Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException | RuntimeException failure) {
      try {
        Files.deleteIfExists(temporary); // a full disk, a failed rename: no half-written file left beside it
      } catch (IOException | RuntimeException notDeleted) {
        failure.addSuppressed(notDeleted);
      }
      throw failure;
    }
  }

  /**
   * Reads a checkpoint file, as UTF-8 text; see {@link #decode}. Blocks the calling thread on file I/O.
   *
   * @param file a file that {@link #write} wrote
   * @return the checkpoint
   * @throws IOException when the file cannot be read
   * @throws IllegalArgumentException when its text is not a checkpoint, it is not UTF-8 text (a binary file,
   *     or another file given by mistake), or it is larger than 1 GiB; the message names the file
   */
  public static ScanCheckpoint read(Path file) throws IOException {
    long size = Files.size(file);
    if (size > MAX_FILE_BYTES) { // read whole, it would not fit in a String
      throw new IllegalArgumentException("Not a checkpoint: " + file + " holds " + size + " bytes, more than any "
          + "checkpoint (" + MAX_FILE_BYTES + ")");
    }
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (CharacterCodingException notText) {
      throw new IllegalArgumentException("Not a checkpoint: " + file + " is not UTF-8 text", notText);
    }
    try {
      return decode(text);
    } catch (IllegalArgumentException invalid) { // its message names the line, not the file
      throw new IllegalArgumentException(invalid.getMessage() + " (in " + file + ")", invalid);
    }
  }

  @Override
  public boolean equals(@Nullable Object other) {
    if (!(other instanceof ScanCheckpoint)) {
      return false;
    }
    ScanCheckpoint that = (ScanCheckpoint) other;
    return keyspace.equals(that.keyspace) && table.equals(that.table)
        && queryFingerprint.equals(that.queryFingerprint) && ranges.equals(that.ranges);
  }

  @Override
  public int hashCode() {
    return Objects.hash(keyspace, table, queryFingerprint, ranges);
  }

  @Override
  public String toString() {
    return "ScanCheckpoint{" + keyspace + "." + table + ", " + rangesDone() + "/" + ranges.size() + " ranges done}";
  }
}
