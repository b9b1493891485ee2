/**
 * Values made once per key by an asynchronous load (a spec version's spec, its executor, the
 * environment a worker captured), kept as the promise and, once made, as the value: the per-run
 * path reads a value made before without awaiting it. Each await is a promise and a turn of the
 * microtask queue, and a short run's path had dozens of them, which cost more than the run
 * itself while the engine's code is not optimised yet (a new engine's first session).
 */
export class LoadOnce<K, V> {
  private readonly loading = new Map<K, Promise<V>>();
  private readonly made = new Map<K, V>();

  /** The value of `key`, when it was made already. */
  ready(key: K): V | undefined {
    return this.made.get(key);
  }

  /** The value of `key`, made by `load` the first time; a load that failed stays failed. */
  get(key: K, load: () => Promise<V>): Promise<V> {
    let loading = this.loading.get(key);
    if (!loading) {
      loading = load();
      // Registered before any caller's await: a caller resuming finds the value made.
      loading.then(
        (value) => this.made.set(key, value),
        () => {},
      );
      this.loading.set(key, loading);
    }
    return loading;
  }
}
