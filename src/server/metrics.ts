// Prometheus metrics on a registry of their own, so several servers in one process (tests) do not clash.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface ServerMetrics {
  registry: Registry;
  turns: Counter<'kind'>;
  intents: Counter<'intent'>;
  fallbacks: Counter;
  handoffs: Counter<'reason'>;
  queueLength: Gauge<'status'>;
  turnSeconds: Histogram;
  frameErrors: Counter<'code'>;
  shopperConnections: Gauge;
  reloads: Counter<'target' | 'outcome'>;
  proactive: Counter<'rule' | 'outcome'>;
  suggestionTaps: Counter<'payload'>;
  surveys: Counter<'kind' | 'outcome'>;
  notifications: Counter<'kind' | 'outcome'>;
  // channels (issue 15): the request/response channels (kakao, webhook); the widget's turns are daehwa_turns_total less these.
  channelTurns: Counter<'channel'>;
  channelDeadlineMisses: Counter<'channel'>;
  channelErrors: Counter<'channel' | 'code'>;
  channelCallbacks: Counter<'channel' | 'outcome'>;
  channelLinks: Gauge<'channel'>;
  /** The turn counter's child for an input kind, and the intent counter's for an intent: kept, not looked up by label every turn. */
  turnsOf: (kind: string) => Counter.Internal;
  intentsOf: (intent: string) => Counter.Internal;
}

/**
 * A counter's children by the value of its one label, made once each: prom-client hashes the
 * labels on every `inc({…})`, which a turn need not pay. For labels with few values only.
 */
function childrenOf<L extends string>(counter: Counter<L>, label: L): (value: string) => Counter.Internal {
  const children = new Map<string, Counter.Internal>();
  return (value) => {
    let child = children.get(value);
    if (!child) {
      child = counter.labels({ [label]: value } as Partial<Record<L, string>>);
      children.set(value, child);
    }
    return child;
  };
}

export function createMetrics(options: { defaultMetrics: boolean }): ServerMetrics {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'daehwa_' });
  const registers = [registry];
  const turns = new Counter({
    name: 'daehwa_turns_total',
    help: 'Shopper inputs processed, by kind (text, quick_reply, event)',
    labelNames: ['kind'],
    registers,
  });
  const intents = new Counter({
    name: 'daehwa_intents_total',
    help: 'Classified shopper texts, by intent (None when not understood)',
    labelNames: ['intent'],
    registers,
  });
  return {
    registry,
    turns,
    intents,
    turnsOf: childrenOf(turns, 'kind'),
    intentsOf: childrenOf(intents, 'intent'),
    fallbacks: new Counter({ name: 'daehwa_fallbacks_total', help: 'Turns where the bot did not understand', registers }),
    handoffs: new Counter({
      name: 'daehwa_handoffs_total',
      help: 'Conversations sent to the agent queue, by reason',
      labelNames: ['reason'],
      registers,
    }),
    queueLength: new Gauge({
      name: 'daehwa_queue_length',
      help: 'Hand-off queue items, by status (waiting, assigned)',
      labelNames: ['status'],
      registers,
    }),
    turnSeconds: new Histogram({
      name: 'daehwa_turn_duration_seconds',
      help: 'Time from a shopper input to the bot replies being sent',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5],
      registers,
    }),
    frameErrors: new Counter({
      name: 'daehwa_frame_errors_total',
      help: 'Shopper frames answered with an error frame, by code',
      labelNames: ['code'],
      registers,
    }),
    shopperConnections: new Gauge({ name: 'daehwa_shopper_connections', help: 'Open shopper websockets', registers }),
    reloads: new Counter({
      name: 'daehwa_reloads_total',
      help: 'Model and flow reloads, by target and outcome',
      labelNames: ['target', 'outcome'],
      registers,
    }),
    proactive: new Counter({
      name: 'daehwa_proactive_total',
      help: 'Proactive decisions: rule and outcome (sent, or why not: dismissed, not_bot, in_flow, typing, too_soon, daily_cap, no_rule)',
      labelNames: ['rule', 'outcome'],
      registers,
    }),
    suggestionTaps: new Counter({
      name: 'daehwa_suggestion_taps_total',
      help: 'Contextual FAQ chips tapped, by payload',
      labelNames: ['payload'],
      registers,
    }),
    notifications: new Counter({
      name: 'daehwa_notifications_total',
      help: 'Order events, by kind and outcome (told: at once; stored: for the next visit; told_later; duplicate; ignored: no text for the kind)',
      labelNames: ['kind', 'outcome'],
      registers,
    }),
    channelTurns: new Counter({ name: 'daehwa_channel_turns_total', help: 'Turns run for a request/response channel, by channel (kakao, webhook)', labelNames: ['channel'], registers }),
    channelDeadlineMisses: new Counter({
      name: 'daehwa_channel_deadline_misses_total',
      help: 'Channel turns not done by the channel deadline (answered "checking", the answer follows by callback or with the next message), by channel',
      labelNames: ['channel'],
      registers,
    }),
    channelErrors: new Counter({
      name: 'daehwa_channel_errors_total',
      help: 'Channel requests refused or failed, by channel and code (missing_secret, bad_secret, bad_signature, invalid_json, invalid_body, turn_failed, internal_error)',
      labelNames: ['channel', 'code'],
      registers,
    }),
    channelCallbacks: new Counter({
      name: 'daehwa_channel_callbacks_total',
      help: 'Answers sent through a callback URL, by channel and outcome (delivered; failed: kept for the next message; expired: the held callback ran out)',
      labelNames: ['channel', 'outcome'],
      registers,
    }),
    channelLinks: new Gauge({ name: 'daehwa_channel_links', help: 'Channel links held in memory, by channel', labelNames: ['channel'], registers }),
    surveys: new Counter({
      name: 'daehwa_surveys_total',
      help: 'Survey answers stored, by kind (csat, nps) and outcome (answered, commented, skipped)',
      labelNames: ['kind', 'outcome'],
      registers,
    }),
  };
}
