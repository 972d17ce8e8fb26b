// /dashboard in real Chromium against the assembled engine: an admin signs in, the charts draw
// the seeded month, the locale filter changes the numbers, a drill-down opens the conversations
// behind a number and a masked transcript, and the CSV downloads; no console errors.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { shopper } from '../server/helpers.ts';
import { syntheticMonth } from '../analytics/synthetic-month.ts';
import { useEngineAndChromium } from './setup.ts';

const rig = useEngineAndChromium();

describe('the analytics dashboard in a browser', () => {
  it('shows the figures, filters, drills down to a masked transcript and exports CSV', async () => {
    await rig.server.store.appendFacts(syntheticMonth(400, 3).facts);
    // One real conversation today (the shop's 2026-11-20), with a phone number in it.
    const alice = await shopper(rig.server.wsUrl, { locale: 'ko' });
    alice.socket.send({ type: 'message', text: '배송 언제 와요? 제 번호는 010-2345-6789 입니다' });
    await alice.socket.nextOfType('bot');
    alice.socket.close();

    const context = await rig.browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));

    await page.goto(`${rig.server.url}/dashboard#from=2026-11-01&to=2026-11-30`);
    await page.fill('input[name=agentId]', 'agent');
    await page.fill('input[name=password]', 'daehwa-demo');
    await page.click('#signin button[type=submit]');
    const total = page.locator('#kpi-conversations b');
    await total.waitFor();
    const all = Number(await total.textContent());
    expect(all).toBeGreaterThan(100);
    // Chart.js drew on every canvas: a drawn canvas is not blank.
    await page.waitForFunction(() => ['chart-day', 'chart-outcomes', 'chart-intents', 'chart-hours'].every((id) => (window as unknown as { Chart: { getChart(id: string): unknown } }).Chart.getChart(id)));
    const inked = await page.evaluate(() =>
      ['chart-day', 'chart-outcomes', 'chart-intents', 'chart-hours'].map((id) => {
        const canvas = document.getElementById(id) as HTMLCanvasElement;
        const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? new Uint8ClampedArray();
        let painted = 0;
        for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) painted++;
        return painted;
      }),
    );
    for (const painted of inked) expect(painted).toBeGreaterThan(500);
    await page.screenshot({ path: '/tmp/daehwa-dashboard.png', fullPage: true });

    // The locale filter changes the numbers.
    await page.selectOption('select[name=locale]', 'en');
    await page.click('#filters button[type=submit]');
    await page.waitForFunction((before) => document.querySelector('#kpi-conversations b')?.textContent !== String(before), all);
    const english = Number(await total.textContent());
    expect(english).toBeGreaterThan(0);
    expect(english).toBeLessThan(all);
    await page.selectOption('select[name=locale]', '');
    await page.click('#filters button[type=submit]');
    await page.waitForFunction((before) => document.querySelector('#kpi-conversations b')?.textContent === String(before), all);

    // Drill-down: today's conversation is ongoing; its transcript opens, masked.
    await page.locator('#outcomes a.drill').last().click();
    const row = page.locator('#drill-rows a.drill', { hasText: alice.session.sessionId });
    await row.click();
    const line = page.locator('#transcript p.shopper').first();
    await line.waitFor();
    expect(await line.textContent()).toContain('[PHONE]');
    expect(await page.locator('#transcript').textContent()).not.toContain('010-2345-6789');

    // The CSV downloads, masked.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#csv')]);
    const csv = await readFile((await download.path()) as string, 'utf8');
    expect(csv.split('\r\n').length).toBeGreaterThan(all);
    expect(csv).not.toMatch(/010-?2345-?6789/);
    expect(download.suggestedFilename()).toBe('daehwa-conversations-2026-11-01-2026-11-30.csv');

    // English labels, and a phone-sized screen.
    await page.click('#lang');
    expect(await page.locator('h1').textContent()).toBe('Conversation analytics');
    await page.setViewportSize({ width: 390, height: 800 });
    await page.screenshot({ path: '/tmp/daehwa-dashboard-phone.png' });
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);
});
