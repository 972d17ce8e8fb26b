// Real browser, real pages, real engine (trained model, the project's flows, demo shop): a shopper
// asks for a person in the demo shop's chat widget, an agent signs in to the console, claims the
// conversation and answers; the shopper sees the answer.
import { describe, expect, it } from 'vitest';
import { useEngineAndChromium } from './setup.ts';

const rig = useEngineAndChromium();

describe('demo shop and agent console in a browser', () => {
  it('hands a shopper over to an agent who answers in the console', async () => {
    const shopperPage = await (await rig.browser.newContext()).newPage();
    await shopperPage.goto(`${rig.server.url}/`);
    // Playwright waits for the page itself (vitest's expect.poll gives up after one second).
    await shopperPage.locator('.product').nth(7).waitFor();
    expect(await shopperPage.locator('.product').count()).toBe(8);
    await shopperPage.click('#chat-open');
    await shopperPage.locator('.msg.bot').first().waitFor();
    await shopperPage.fill('#chat-input', '상담원 연결해 주세요');
    await shopperPage.press('#chat-input', 'Enter');
    await shopperPage.locator('#chat-status', { hasText: '상담원 연결 대기 중 · 1번째' }).waitFor();

    const agentPage = await (await rig.browser.newContext()).newPage();
    await agentPage.goto(`${rig.server.url}/console`);
    await agentPage.fill('#agent-id', 'agent');
    await agentPage.fill('#agent-password', 'daehwa-demo');
    await agentPage.click('#signin-submit');
    const entry = agentPage.locator('#queue-list li', { hasText: '고객 요청' });
    await entry.waitFor();
    expect(await entry.textContent()).toContain('1번째 대기');
    await entry.click();
    await agentPage.locator('#transcript li.shopper', { hasText: '상담원 연결해 주세요' }).waitFor();
    expect(await agentPage.locator('#transcript li.shopper .tag').first().textContent()).toMatch(/agent\.request \([01]\.\d\d\)/);

    await agentPage.click('#claim');
    await shopperPage.locator('#chat-status', { hasText: '상담원이 연결됐어요' }).waitFor();
    await agentPage.locator('#reply-input:enabled').waitFor();
    await agentPage.fill('#reply-input', '안녕하세요, 상담원입니다. 어떤 점이 불편하셨나요?');
    await agentPage.click('#reply-send');

    const answer = shopperPage.locator('.msg.agent', { hasText: '안녕하세요, 상담원입니다. 어떤 점이 불편하셨나요?' });
    await answer.waitFor();
    expect(await answer.locator('.who').textContent()).toBe('상담원');

    // And the shopper's reply reaches the console live.
    await shopperPage.fill('#chat-input', '주문한 니트가 늘어나 있어요');
    await shopperPage.press('#chat-input', 'Enter');
    await agentPage.locator('#transcript li.shopper', { hasText: '주문한 니트가 늘어나 있어요' }).waitFor();

    // Handing back: the shopper is told, and the bot answers again.
    await agentPage.click('#hand-back');
    await shopperPage.locator('.msg.notice', { hasText: '이어서 챗봇이 도와드릴게요' }).waitFor();
    const botsBefore = await shopperPage.locator('.msg.bot').count();
    await shopperPage.fill('#chat-input', '배송비 얼마예요?');
    await shopperPage.press('#chat-input', 'Enter');
    await shopperPage.locator('.msg.bot').nth(botsBefore).waitFor();
  });

  // privacy (issue 18)
  it('shows the shopper\'s phone number masked until the agent reveals it, and admins the audit log', async () => {
    const shopperPage = await (await rig.browser.newContext()).newPage();
    await shopperPage.goto(`${rig.server.url}/`);
    await shopperPage.click('#chat-open');
    await shopperPage.locator('.msg.bot').first().waitFor();
    await shopperPage.fill('#chat-input', '상담원 연결해 주세요 제 번호는 010-3141-5926 이에요');
    await shopperPage.press('#chat-input', 'Enter');
    // The shopper's own screen keeps what they typed.
    await shopperPage.locator('.msg.shopper', { hasText: '010-3141-5926' }).waitFor();

    const agentPage = await (await rig.browser.newContext()).newPage();
    await agentPage.goto(`${rig.server.url}/console`);
    await agentPage.fill('#agent-id', 'agent');
    await agentPage.fill('#agent-password', 'daehwa-demo');
    await agentPage.click('#signin-submit');
    const entry = agentPage.locator('#queue-list li', { hasText: '[PHONE]' });
    await entry.waitFor();
    await entry.click();
    await agentPage.locator('#transcript li.shopper', { hasText: '제 번호는 [PHONE] 이에요' }).waitFor();
    expect(await agentPage.locator('#transcript').textContent()).not.toContain('010-3141-5926');
    await agentPage.click('#reveal');
    await agentPage.locator('#transcript li.shopper', { hasText: '010-3141-5926' }).waitFor();

    await agentPage.click('#audit-open');
    await agentPage.locator('#audit-list li', { hasText: '개인정보 보기' }).waitFor();
    await agentPage.click('#audit-close');
    // Signing out revokes the token: the next request with it is refused.
    const token = await agentPage.evaluate(() => Object.values(sessionStorage)[0] ?? '');
    expect((await fetch(`${rig.server.url}/api/agent/queue`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    await agentPage.click('#signout');
    await agentPage.locator('#signin-form').waitFor();
    const refused = await fetch(`${rig.server.url}/api/agent/queue`, { headers: { authorization: `Bearer ${token}` } });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('token_revoked');
  });

  it('chats in English with quick replies', async () => {
    const page = await (await rig.browser.newContext()).newPage();
    await page.goto(`${rig.server.url}/`);
    await page.click('[data-locale="en"]');
    await page.click('#chat-open');
    await page.locator('.msg.bot', { hasText: 'Hi, this is MOOD&FIT' }).waitFor();
    await page.fill('#chat-input', 'hello');
    await page.press('#chat-input', 'Enter');
    const firstChoice = page.locator('#chat-quick button').first();
    await firstChoice.waitFor();
    const label = await firstChoice.textContent();
    const botsBefore = await page.locator('.msg.bot').count();
    await firstChoice.click();
    // The pressed reply shows as the shopper's line and the bot answers it; the buttons go away.
    await page.locator('.msg.shopper', { hasText: label ?? '' }).waitFor();
    await page.locator('.msg.bot').nth(botsBefore).waitFor();
    expect(await page.locator('.msg.bot').last().textContent()).not.toMatch(/[가-힣]/);
  });

  it('signs the chosen demo customer in with a token the page got for them', async () => {
    const page = await (await rig.browser.newContext()).newPage();
    await page.goto(`${rig.server.url}/`);
    await page.selectOption('#customer', 'c1002');
    await page.click('#chat-open');
    await page.fill('#chat-input', '주문한 거 배송 조회해 주세요');
    await page.press('#chat-input', 'Enter');
    await page.locator('.msg.bot').nth(1).waitFor();
    // Signed in: the bot asks which order instead of asking to sign in.
    expect(await page.locator('.msg.bot').nth(1).textContent()).not.toContain('로그인');
    const sessions = await rig.server.store.listSessions();
    expect(sessions.filter((s) => s.customerId === 'c1002')).toHaveLength(1);
  });
});
