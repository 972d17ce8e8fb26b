// Picking up a retrained model or edited flows without a restart. A reload that fails leaves the
// engines in use untouched; conversations in progress carry on with their stored dialog state.
import { type FSWatcher, watch } from 'node:fs';
import type { MessagesSpec } from '../dialog/schema.ts';
import type { DialogEngine } from '../dialog/types.ts';
import type { ProactiveConfig } from '../proactive/loader.ts';
import type { SurveyTexts } from '../surveys/index.ts';
import type { DescribedClassifier, EngineSlot } from './engines.ts';
import { InProcessLanes } from './lanes.ts';
import type { Logger } from './logging.ts';
import type { ServerMetrics } from './metrics.ts';

/** A load without `messages` keeps the messages in use (tests that swap only the dialog). */
export type FlowsLoad =
  | { ok: true; dialog: DialogEngine; messages?: MessagesSpec; proactive?: ProactiveConfig; surveys?: SurveyTexts | null }
  | { ok: false; problems: string };

export interface Reloaders {
  /** Loads the newest model; throws when it cannot be loaded. */
  loadModel?: () => Promise<DescribedClassifier>;
  /** Loads and validates the flow set; an invalid set comes back as problems, never as an engine. */
  loadFlows?: () => Promise<FlowsLoad>;
}

export type ReloadOutcome = { ok: true; info?: unknown } | { ok: false; code: 'not_configured' | 'invalid'; message: string };

export class Reloader {
  /** One reload per target at a time; a second request waits for the first. */
  readonly #lanes = new InProcessLanes();

  constructor(
    private readonly engines: EngineSlot,
    private readonly reloaders: Reloaders,
    private readonly metrics: ServerMetrics,
    private readonly log: Logger,
  ) {}

  reloadModel(): Promise<ReloadOutcome> {
    return this.#lanes.run('model', () => this.#reloadModel());
  }

  reloadFlows(): Promise<ReloadOutcome> {
    return this.#lanes.run('flows', () => this.#reloadFlows());
  }

  async #reloadModel(): Promise<ReloadOutcome> {
    const { loadModel } = this.reloaders;
    if (!loadModel) return { ok: false, code: 'not_configured', message: 'this server has no model loader' };
    try {
      const classifier = await loadModel();
      this.engines.replaceClassifier(classifier);
      this.metrics.reloads.inc({ target: 'model', outcome: 'ok' });
      this.log.info({ model: classifier.modelInfo }, 'model reloaded');
      return { ok: true, info: classifier.modelInfo };
    } catch (err) {
      this.metrics.reloads.inc({ target: 'model', outcome: 'refused' });
      const message = err instanceof Error ? err.message : String(err);
      this.log.error({ err }, 'model reload failed; the previous model keeps serving');
      return { ok: false, code: 'invalid', message };
    }
  }

  async #reloadFlows(): Promise<ReloadOutcome> {
    const { loadFlows } = this.reloaders;
    if (!loadFlows) return { ok: false, code: 'not_configured', message: 'this server has no flow loader' };
    const loaded = await loadFlows();
    if (!loaded.ok) {
      this.metrics.reloads.inc({ target: 'flows', outcome: 'refused' });
      this.log.error({ problems: loaded.problems }, 'flow reload refused; the last good flows keep serving');
      return { ok: false, code: 'invalid', message: loaded.problems };
    }
    this.engines.replaceDialog(loaded.dialog, loaded.proactive, loaded.surveys, loaded.messages);
    this.metrics.reloads.inc({ target: 'flows', outcome: 'ok' });
    this.log.info('flows reloaded');
    return { ok: true };
  }
}

/**
 * Calls `onChange` once a burst of file events in `dir` has been quiet for `debounceMs`
 * (editors and the trainer write several files per save). Returns a function that stops watching.
 */
export function watchDirectory(dir: string, onChange: () => void, log: Logger, debounceMs = 300): () => void {
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher;
  try {
    watcher = watch(dir, { persistent: false }, () => {
      clearTimeout(timer);
      timer = setTimeout(onChange, debounceMs);
    });
  } catch (err) {
    log.warn({ err, dir }, 'cannot watch directory; use the admin reload endpoint instead');
    return () => undefined;
  }
  watcher.on('error', (err) => log.warn({ err, dir }, 'directory watch failed'));
  return () => {
    clearTimeout(timer);
    watcher.close();
  };
}
