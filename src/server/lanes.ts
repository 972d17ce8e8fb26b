// Runs tasks for the same key one after another, in the order they were submitted, while tasks
// for different keys run concurrently. A session's turns, agent actions and timers all go through
// its lane, so two frames that arrive together can never interleave their store writes.
// With several processes on one database, CoordinatedLanes adds the database's lock per session
// behind this one (src/store/coordination.ts).
import type { SessionLocks } from '../store/coordination.ts';

/** What the server's components need: tasks per key, one at a time, in submission order. */
export type SerialLanes = SessionLocks;

export class InProcessLanes implements SessionLocks {
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

/**
 * The lanes of a process that shares its database: in this process, the session's tasks queue in
 * order as before (so a process never holds more than one database lock per session); each then
 * takes the cross-process lock, and `onAcquired` reads the session record afresh (another
 * process may have written it) before the task runs.
 */
export class CoordinatedLanes implements SessionLocks {
  readonly #local = new InProcessLanes();

  constructor(
    private readonly shared: SessionLocks,
    private readonly onAcquired: (key: string) => Promise<void>,
  ) {}

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    return this.#local.run(key, () =>
      this.shared.run(key, async () => {
        await this.onAcquired(key);
        return task();
      }),
    );
  }
}
