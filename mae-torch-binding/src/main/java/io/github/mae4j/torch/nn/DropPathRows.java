package io.github.mae4j.torch.nn;

/**
 * Which rows of a global batch a process holds, so stochastic depth draws the same per-sample masks whatever the
 * number of processes: every mask is drawn for all {@link #globalRows()} rows of the step's global batch (in the same
 * order on every process, from a generator seeded alike) and the process keeps rows {@code [offset, offset + n)}.
 * Shared by the blocks of one model and changed between steps; {@code globalRows} 0 (the default) draws a mask for
 * the rows of the branch itself, as a single process without a window does.
 */
public final class DropPathRows {
  private long globalRows;
  private long offset;

  /**
   * This process holds rows {@code [offset, offset + n)} of a global batch of {@code globalRows} (0: no window).
   *
   * @throws IllegalArgumentException when the offset is negative or not below a positive {@code globalRows}
   */
  public void set(long globalRows, long offset) {
    if (globalRows < 0 || offset < 0 || (globalRows > 0 && offset >= globalRows)) {
      throw new IllegalArgumentException("drop-path rows: offset (" + offset + ") must be in [0, globalRows ("
          + globalRows + "))");
    }
    this.globalRows = globalRows;
    this.offset = offset;
  }

  /** Rows of the global batch (0: no window). */
  public long globalRows() {
    return globalRows;
  }

  /** First row of this process's block. */
  public long offset() {
    return offset;
  }
}
