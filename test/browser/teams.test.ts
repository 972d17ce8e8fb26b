// Real browser, real engine: two agents in two teams (배송 in Korean, Global in English) and their
// shoppers. Routing by language, auto-assignment within each agent's ceiling, colleagues' presence
// and load, a team's queue with the shopper's wait estimate, the next-response target turning an
// unanswered conversation red, and search.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_AGENT } from '../../src/config/schema.ts';
import { useEngineAndChromium } from './setup.ts';

const account = (id: string, name: string, role: 'agent' | 'admin' = 'agent') => ({ id, name, passwordHash: DEFAULT_AGENT.passwordHash, role });

const rig = useEngineAndChromium({
  agents: [account('agent', '팀장', 'admin'), account('mina', '김민아'), account('tom', 'Tom Baker')],
  desk: {
    teams: [
      { id: 'delivery', name: '배송', languages: ['ko'], members: ['mina'], maxConcurrent: 2, autoAssign: true },
      { id: 'global', name: 'Global', languages: ['en'], members: ['tom'], maxConcurrent: 2, autoAssign: true },
    ],
    routing: { rules: [{ team: 'global', locales: ['en'] }], defaultTeam: 'delivery' },
    waitEstimate: { minSamples: 2 },
  },
});
const shot = (name: string): string => join(process.env['DAEHWA_SCREENSHOTS'] ?? tmpdir(), `${name}.png`);
const MIN = 60_000;

async function signIn(browser: Browser, agentId: string): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 760 } })).newPage();
  await page.goto(`${rig.server.url}/console`);
  await page.fill('#agent-id', agentId);
  await page.fill('#agent-password', 'daehwa-demo');
  await page.click('#signin-submit');
  await page.locator('#connection', { hasText: '온라인' }).waitFor();
  return page;
}

async function askForPerson(browser: Browser, text: string, locale: 'ko' | 'en' = 'ko'): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${rig.server.url}/`);
  if (locale === 'en') await page.click('button[data-locale="en"]');
  await page.click('#chat-open');
  await page.locator('.msg.bot').first().waitFor();
  await page.fill('#chat-input', text);
  await page.press('#chat-input', 'Enter');
  return page;
}

describe('teams in a browser', () => {
  it('routes by language to each team, assigns within capacity, shows presence, the wait estimate and an overdue reply', async () => {
    const mina = await signIn(rig.browser, 'mina');
    const tom = await signIn(rig.browser, 'tom');
    // Each sees the other come online.
    await mina.locator('#colleagues li[data-agent-id="tom"] .dot.online').waitFor();
    await tom.locator('#colleagues li[data-agent-id="mina"] .dot.online').waitFor();

    // An English shopper goes to the Global team, and to Tom without anyone claiming.
    const english = await askForPerson(rig.browser, 'I want to talk to an agent please', 'en');
    await english.locator('#chat-status', { hasText: 'An agent has joined' }).waitFor();
    await tom.locator('#toast.notice', { hasText: 'Assigned to you' }).waitFor();
    await tom.locator('#queue-list li', { hasText: 'Global' }).locator('.badge', { hasText: 'tom' }).waitFor();
    await mina.locator('#colleagues li[data-agent-id="tom"] .load', { hasText: '1/2' }).waitFor();

    // Korean shoppers go to 배송 and to Mina, two at most.
    const first = await askForPerson(rig.browser, '상담원 연결해 주세요');
    await first.locator('#chat-status', { hasText: '상담원이 연결됐어요' }).waitFor();
    await mina.locator('#toast.notice', { hasText: '배정' }).waitFor();
    rig.server.clock.advance(MIN);
    const firstItem = mina.locator('#queue-list li', { hasText: '상담원 연결해 주세요' });
    await firstItem.click();
    await mina.locator('#reply-input:enabled').waitFor();
    await mina.fill('#reply-input', '안녕하세요, 배송팀 김민아입니다.');
    await mina.press('#reply-input', 'Enter');
    await first.locator('.msg.agent', { hasText: '배송팀 김민아' }).waitFor();

    rig.server.clock.advance(MIN);
    const second = await askForPerson(rig.browser, '사람이랑 상담하고 싶어요');
    await second.locator('#chat-status', { hasText: '상담원이 연결됐어요' }).waitFor();
    await mina.locator('#colleagues li[data-agent-id="mina"] .load', { hasText: '2/2' }).waitFor();

    // Mina is full: the third waits in 배송's queue, told its place and how long the queue has lately taken.
    rig.server.clock.advance(MIN);
    const third = await askForPerson(rig.browser, '상담원 좀 연결해 주세요');
    await third.locator('#chat-status', { hasText: '상담원 연결 대기 중 · 1번째 · 예상 대기 약' }).waitFor();
    // Two claims over the three minutes since Mina's first: a place every minute and a half, told as about 2.
    expect(await third.locator('#chat-status').textContent()).toBe('상담원 연결 대기 중 · 1번째 · 예상 대기 약 2분');
    const waiting = mina.locator('#queue-list li', { hasText: '상담원 좀 연결해 주세요' });
    await waiting.locator('.badge.team', { hasText: '배송' }).waitFor();
    expect(await waiting.locator('.badge.waiting').textContent()).toBe('1번째 대기');

    // Tom has not answered his shopper for three minutes (the next-response target): red, and an alert.
    const unanswered = tom.locator('#queue-list li', { hasText: 'Global' });
    await unanswered.and(tom.locator('.sla-breached')).waitFor();
    await tom.locator('#toast', { hasText: 'Reply overdue' }).waitFor();
    expect(await unanswered.locator('.badge.sla').textContent()).toBe('답변 대기 3분 · 목표 3분');
    const breaches = await rig.server.store.listSlaBreaches();
    expect(breaches.filter((b) => b.kind === 'next_response').map((b) => [b.team, b.agentId])).toEqual([['global', 'tom']]);

    // Mina's second shopper waits for an answer too: amber after 80% of the target (2.4 of 3 minutes).
    rig.server.clock.advance(1.5 * MIN);
    await mina.locator('#queue-list li.sla-warning', { hasText: '사람이랑 상담하고 싶어요' }).waitFor();

    // Tom steps away: Mina sees it.
    await tom.selectOption('#presence', 'away');
    await mina.locator('#colleagues li[data-agent-id="tom"] .dot.away').waitFor();
    await mina.locator('#queue-list li', { hasText: '사람이랑 상담하고 싶어요' }).click();
    await mina.locator('#queue-list li.selected').waitFor();
    await mina.screenshot({ path: shot('console-teams') });
    await tom.locator('#queue-list li', { hasText: 'Global' }).click();
    await tom.locator('#transcript li.shopper', { hasText: 'agent' }).waitFor();
    await tom.screenshot({ path: shot('console-reply-sla') });

    // A reload keeps "away"; the other team's waiting conversation cannot be claimed by Tom.
    await tom.reload();
    await tom.locator('#connection', { hasText: '온라인' }).waitFor();
    await mina.locator('#colleagues li[data-agent-id="tom"] .dot.away').waitFor();
    expect(await tom.inputValue('#presence')).toBe('away');
    await tom.selectOption('#queue-filter', 'all');
    await tom.locator('#queue-list li', { hasText: '상담원 좀 연결해 주세요' }).click();
    await tom.locator('#claim[disabled]').waitFor();
    expect(await tom.getAttribute('#claim', 'title')).toContain('배송');

    // Search by what was said: Mina finds her first conversation, answered, and opens it.
    await mina.fill('#search-input', '배송팀 김민아');
    const found = mina.locator('#search-results li.search-result');
    await found.waitFor();
    expect(await found.count()).toBe(1);
    expect(await mina.locator('#queue-list').isHidden()).toBe(true);
    await found.click();
    await mina.locator('#transcript li.agent', { hasText: '배송팀 김민아' }).waitFor();
    await mina.screenshot({ path: shot('console-search') });
    await mina.press('#search-input', 'Escape');
    await mina.locator('#queue-list').waitFor();
  });
});
