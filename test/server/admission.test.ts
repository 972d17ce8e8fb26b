// Overload: a saturated process refuses new visits at once with `busy` (close 1013), instead of
// letting them wait for a session frame that comes too late; conversations already under way go on.
import { afterEach, describe, expect, it } from 'vitest';
import { ALWAYS_OPEN, loopDelayGauge, type AdmissionGauge } from '../../src/server/admission.ts';
import { shopper, startTestServer, TestSocket, waitFor, type TestServer } from './helpers.ts';

let running: TestServer | null = null;
afterEach(async () => {
  await running?.close();
  running = null;
});

/** A gauge the test turns: busy or not. */
function switchable(): AdmissionGauge & { saturated: boolean } {
  const gauge = { saturated: false, retryAfterMs: 3000, busy: () => gauge.saturated, stop: () => undefined };
  return gauge;
}

describe('admission under overload', () => {
  it('refuses a new visit with busy and close 1013 while saturated, and resumes and running chats go on', async () => {
    const gauge = switchable();
    running = await startTestServer({ deps: { admission: gauge } });
    const { socket: early, session } = await shopper(running.wsUrl);
    gauge.saturated = true;

    const late = await TestSocket.open(`${running.wsUrl}/ws`);
    late.send({ type: 'hello', locale: 'ko' });
    const refusal = await late.nextOfType('error');
    expect(refusal).toMatchObject({ code: 'busy', message: 'the server is busy; try again in 3 s' });
    expect((await late.closed).code).toBe(1013);
    expect(late.frames.map((f) => f.type)).toEqual(['error']);

    // The shopper already talking is answered; one coming back with a token is let in.
    early.send({ type: 'message', text: '배송 조회' });
    expect(await early.nextOfType('bot')).toBeTruthy();
    early.close();
    await early.closed;
    const back = await TestSocket.open(`${running.wsUrl}/ws`);
    back.send({ type: 'hello', locale: 'ko', sessionToken: session.sessionToken });
    expect(await back.nextOfType('session')).toMatchObject({ resumed: true });
    back.close();

    gauge.saturated = false;
    const { session: fresh } = await shopper(running.wsUrl);
    expect(fresh.resumed).toBe(false);
  });
});

describe('the event-loop gauge', () => {
  it('turns busy when the loop is blocked beyond the limit, and open again once it keeps up', async () => {
    const gauge = loopDelayGauge(100);
    try {
      expect(gauge.busy()).toBe(false);
      const until = performance.now() + 400;
      while (performance.now() < until); // a turn that hogs the loop
      await waitFor(async () => gauge.busy());
      await waitFor(async () => !gauge.busy());
      expect(gauge.retryAfterMs).toBe(1000);
    } finally {
      gauge.stop();
    }
  });

  it('never refuses when switched off', () => {
    expect(loopDelayGauge(0)).toBe(ALWAYS_OPEN);
  });
});
