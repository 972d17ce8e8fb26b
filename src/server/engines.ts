// The classifier and the dialog engine in use. Reloads swap them here; a turn reads both once at
// its start, so a conversation in progress finishes its turn on the set it started with.
import type { MessagesSpec } from '../dialog/schema.ts';
import type { DialogEngine } from '../dialog/types.ts';
import type { Classifier } from '../nlu/types.ts';
import { EMPTY_PROACTIVE, type ProactiveConfig } from '../proactive/loader.ts';
import type { SurveyTexts } from '../surveys/index.ts';

/** A classifier may describe the model it runs (version, corpus hash), shown on /healthz. */
export type DescribedClassifier = Classifier & { modelInfo?: unknown };

export interface Engines {
  classifier: DescribedClassifier;
  dialog: DialogEngine;
  /** The messages file loaded with the flows (flows/messages.yaml): what the hand-off desk and the channels say. */
  messages: MessagesSpec;
  /** The proactive rules and FAQ loaded with the flows (flows/proactive/). */
  proactive: ProactiveConfig;
  /** What the surveys say (flows/surveys.yaml); null: no surveys. */
  surveys: SurveyTexts | null;
}

export class EngineSlot {
  #current: Engines;

  constructor(initial: Omit<Engines, 'proactive' | 'surveys'> & { proactive?: ProactiveConfig | undefined; surveys?: SurveyTexts | null | undefined }) {
    this.#current = { ...initial, proactive: initial.proactive ?? EMPTY_PROACTIVE, surveys: initial.surveys ?? null };
  }

  get current(): Engines {
    return this.#current;
  }

  replaceClassifier(classifier: DescribedClassifier): void {
    this.#current = { ...this.#current, classifier };
  }

  /** The flows, their messages, their proactive files and the survey texts are reloaded together: the rules point at the flows. */
  replaceDialog(dialog: DialogEngine, proactive?: ProactiveConfig, surveys?: SurveyTexts | null, messages?: MessagesSpec): void {
    this.#current = {
      ...this.#current,
      dialog,
      ...(proactive ? { proactive } : {}),
      ...(surveys !== undefined ? { surveys } : {}),
      ...(messages ? { messages } : {}),
    };
  }
}
