// The hand-off band (config handoff.band) moves what the assembled product does with one and the
// same message: its flow starts from `upper` on, a person takes over between `lower` and `upper`,
// and below `lower` the message is not understood. The real model, flows and server throughout.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../src/config/schema.ts';
import { assembleDaehwa } from '../../src/server/assemble.ts';
import { createLogger } from '../../src/server/logging.ts';
import { SHOP_MESSAGES } from '../shop-messages.ts';
import { ManualClock, SHOP_TODAY, shopper, testConfig, type Frame } from './helpers.ts';

const MESSAGE = '배송비 얼마예요?';
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'daehwa-band-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The bot's first answer to MESSAGE on a server assembled with `band` (one model for all: trained on the first). */
async function answerWith(band: NonNullable<ConfigInput['handoff']>['band']): Promise<Frame> {
  const config = testConfig({
    store: { kind: 'memory' },
    commerce: { kind: 'demo', dataDir: path.join(dir, `shop-${Math.random().toString(36).slice(2)}`) },
    modelsDir: path.join(dir, 'models'),
    ...(band ? { handoff: { band } } : {}),
  });
  const daehwa = await assembleDaehwa(config, { logger: createLogger({ level: 'silent' }), clock: new ManualClock(SHOP_TODAY) });
  try {
    const url = await daehwa.server.listen();
    const { socket } = await shopper(url.replace(/^http/, 'ws'), { locale: 'ko' });
    socket.send({ type: 'message', text: MESSAGE });
    const reply = await socket.nextOfType('bot');
    socket.close();
    return reply;
  } finally {
    await daehwa.close();
  }
}

describe('the hand-off band', () => {
  it('decides between the flow, a person and "not understood" for the same message', async () => {
    const usual = await answerWith(undefined);
    const meta = usual.meta as { intent: string; score: number; flow: string };
    expect(meta).toMatchObject({ intent: 'shipping.fee', flow: 'shipping_fee' });
    expect(meta.score).toBeGreaterThanOrEqual(0.5);
    expect(meta.score).toBeLessThan(1);

    // The same score now falls inside the band: recognised, but a person takes over.
    const careful = await answerWith({ lower: 0.4, upper: 1 });
    expect(careful).toMatchObject({ text: SHOP_MESSAGES.messages.low_confidence_handoff.ko, meta: { intent: 'shipping.fee', score: meta.score } });

    // Below the lower edge the NLU does not trust its reading at all: the fallback, no hand-off.
    const strict = await answerWith({ lower: 1, upper: 1 });
    expect(strict).toMatchObject({ text: SHOP_MESSAGES.messages.fallback.ko, meta: { intent: 'None' } });
  });
});
