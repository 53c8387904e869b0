package org.asynccassandra;

import java.time.Duration;

/**
 * What a {@link PageListener} learns about one page: its number, its size, how long its fetch took and
 * how large the server's response was.
 *
 * @param pageNumber the 1-based number of the page in its stream
 * @param rowsInPage the rows in this page (after any {@link StreamConfig#maxRows()} cut)
 * @param totalRows the rows of this page and of every page before it
 * @param fetchLatency how long the request for this page took, from sending to the response
 * @param responseBytes the size of the server's response in bytes, or -1 when the driver did not report it
 * @param last whether this is the last page of the stream
 */
public record PageEvent(
    int pageNumber, int rowsInPage, long totalRows, Duration fetchLatency, long responseBytes, boolean last) {}
