// The classifier and the dialog engine in use. Reloads swap them here; a turn reads both once at
// its start, so a conversation in progress finishes its turn on the set it started with.
import type { DialogEngine } from '../dialog/types.ts';
import type { Classifier } from '../nlu/types.ts';

/** A classifier may describe the model it runs (version, corpus hash), shown on /healthz. */
export type DescribedClassifier = Classifier & { modelInfo?: unknown };

export interface Engines {
  classifier: DescribedClassifier;
  dialog: DialogEngine;
}

export class EngineSlot {
  #current: Engines;

  constructor(initial: Engines) {
    this.#current = initial;
  }

  get current(): Engines {
    return this.#current;
  }

  replaceClassifier(classifier: DescribedClassifier): void {
    this.#current = { ...this.#current, classifier };
  }

  replaceDialog(dialog: DialogEngine): void {
    this.#current = { ...this.#current, dialog };
  }
}
