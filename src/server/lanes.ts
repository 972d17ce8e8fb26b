// Runs tasks for the same key one after another, in the order they were submitted, while tasks
// for different keys run concurrently. A session's turns, agent actions and timers all go through
// its lane, so two frames that arrive together can never interleave their store writes.

export class SerialLanes {
  readonly #tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    // Tails never reject, so a failed task does not block the ones after it.
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    // Forget the lane once it drains so idle keys cost nothing.
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }
}
