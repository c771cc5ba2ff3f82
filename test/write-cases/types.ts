// The shape of a write-command case for test/integration/mutation.test.ts,
// which runs every write command in the table and checks that it reports a
// change exactly when it changed the dataset. Each data type's cases live in
// a file of their own here, keyed by the command's full name.

export type Cmd = (string | number)[];

export interface WriteCase {
  /** Run first, on a flushed server with db 0 selected; the command runs in the db setup leaves selected. */
  setup?: Cmd[];
  cmd: Cmd;
  /** The key events the command reports, in order (names only); checked when given. */
  events?: string[];
  /**
   * Redis counts the call as a change although the dataset ends up the same
   * (FLUSHDB of an empty database, SET to the value the key had ...).
   */
  counted?: true;
  /** The command replies with an error (and changes nothing). */
  error?: true;
  /**
   * Why real Redis 7.0 differs from us on this case (whether it counts as a
   * change, or its events): the differential test expects the difference.
   */
  redisDiffers?: string;
}
