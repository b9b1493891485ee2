/**
 * A copy of a repository's code taken when a spec was added (`code: {snapshot: true}`): runs
 * of that spec version execute it, however the working tree changed since.
 */
export interface CodeSnapshotRecord {
  /** git's id of the tree taken (the commit's, with the uncommitted changes): its directory under <store>/code/. */
  tree: string;
  /** The commit it was taken at. */
  commit: string;
  /** The uncommitted changes taken with it (`git diff --binary` from the commit), null when the tree was clean. */
  diff: string | null;
  /** The repository's top directory it was taken from. */
  repository: string;
  createdAt: number;
}
