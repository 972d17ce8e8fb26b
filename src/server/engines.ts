// The classifier and the dialog engine in use. Reloads swap them here; a turn reads both once at
// its start, so a conversation in progress finishes its turn on the set it started with.
import type { DialogEngine } from '../dialog/types.ts';
import type { Classifier } from '../nlu/types.ts';
import { EMPTY_PROACTIVE, type ProactiveConfig } from '../proactive/loader.ts';

/** A classifier may describe the model it runs (version, corpus hash), shown on /healthz. */
export type DescribedClassifier = Classifier & { modelInfo?: unknown };

export interface Engines {
  classifier: DescribedClassifier;
  dialog: DialogEngine;
  /** The proactive rules and FAQ loaded with the flows (flows/proactive/). */
  proactive: ProactiveConfig;
}

export class EngineSlot {
  #current: Engines;

  constructor(initial: Omit<Engines, 'proactive'> & { proactive?: ProactiveConfig | undefined }) {
    this.#current = { ...initial, proactive: initial.proactive ?? EMPTY_PROACTIVE };
  }

  get current(): Engines {
    return this.#current;
  }

  replaceClassifier(classifier: DescribedClassifier): void {
    this.#current = { ...this.#current, classifier };
  }

  /** The flows and their proactive files are reloaded together: the rules point at the flows. */
  replaceDialog(dialog: DialogEngine, proactive?: ProactiveConfig): void {
    this.#current = { ...this.#current, dialog, ...(proactive ? { proactive } : {}) };
  }
}
