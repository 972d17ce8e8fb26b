// /dashboard in real Chromium against the assembled engine: the page itself is for signed-in
// admins (a browser that is not signed in lands on the console's sign-in and comes back), the
// charts draw the seeded month, the locale and channel filters change the numbers, a drill-down
// opens the conversations behind a number and a masked transcript, the CSV downloads, and
// sign-out leaves the page closed again; no console errors.
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
      // The console's page has no icon of its own: the browser's request for one is not the dashboard's problem.
      if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico')) problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));

    // Not signed in: the page is not served; the console's sign-in is, and it comes back to the dashboard.
    const first = await page.goto(`${rig.server.url}/dashboard#from=2026-11-01&to=2026-11-30`);
    expect(new URL(page.url()).pathname).toBe('/console');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/dashboard');
    expect(await first?.text()).not.toContain('chart-day');
    await page.screenshot({ path: '/tmp/daehwa-dashboard-signin.png' });
    await page.fill('#agent-id', 'agent');
    await page.fill('#agent-password', 'daehwa-demo');
    await page.click('#signin-submit');
    await page.waitForURL((url) => url.pathname === '/dashboard');
    expect(new URL(page.url()).hash).toBe('#from=2026-11-01&to=2026-11-30');
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

    // Split by channel, and filtered by one: the synthetic month has web and KakaoTalk conversations.
    const channels = page.locator('#channels tr');
    await channels.nth(2).waitFor();
    expect(await page.locator('#channels').textContent()).toContain('카카오톡');
    await page.selectOption('select[name=channel]', 'kakao');
    await page.click('#filters button[type=submit]');
    await page.waitForFunction((before) => document.querySelector('#kpi-conversations b')?.textContent !== String(before), all);
    const kakao = Number(await total.textContent());
    expect(kakao).toBeGreaterThan(0);
    expect(kakao).toBeLessThan(all);
    await page.selectOption('select[name=channel]', '');
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

    // Sign-out: back at the console's sign-in, and the page is closed again.
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.click('#signout');
    await page.waitForURL((url) => url.pathname === '/console');
    await page.goto(`${rig.server.url}/dashboard`);
    expect(new URL(page.url()).pathname).toBe('/console');
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);
});
