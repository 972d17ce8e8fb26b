// Real browser, demo shop, real engine: a goodbye after a question brings the CSAT buttons in the
// chat widget; pressing one stores the answer, and the comment typed after it is kept with it. An
// unhappy shopper who accepts a person reaches the console with the survey in the item's context.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { hashSessionToken } from '../../src/server/tokens.ts';
import { waitFor } from '../server/helpers.ts';
import { useEngineAndChromium } from './setup.ts';

const rig = useEngineAndChromium();

async function chat(page: Page, text: string): Promise<void> {
  const bots = await page.locator('.msg.bot').count();
  await page.fill('#chat-input', text);
  await page.press('#chat-input', 'Enter');
  await page.locator('.msg.bot').nth(bots).waitFor();
}

async function surveyedShopper(): Promise<{ page: Page; sessionId: string }> {
  const page = await (await rig.browser.newContext()).newPage();
  await page.goto(`${rig.server.url}/`);
  await page.click('#chat-open');
  await page.locator('.msg.bot').first().waitFor();
  await chat(page, '배송비 얼마예요?');
  await chat(page, '알겠습니다 안녕히 계세요');
  await page.locator('.msg.bot', { hasText: '오늘 상담은 만족스러우셨나요?' }).waitFor();
  const sessionId = await waitForSession(page);
  return { page, sessionId };
}

/** The page's session, found by the token the widget keeps. */
async function waitForSession(page: Page): Promise<string> {
  const token = await page.evaluate(() => localStorage.getItem('daehwa.sessionToken'));
  const session = await rig.server.store.findSessionByTokenHash(hashSessionToken(token ?? ''));
  if (!session) throw new Error('the page has no stored session');
  return session.id;
}

describe('surveys in the demo shop', () => {
  it('a CSAT button pressed in the widget is stored, and the comment after it too', async () => {
    const { page, sessionId } = await surveyedShopper();
    expect(await page.locator('#chat-quick button').allTextContents()).toEqual(['★5 매우 만족', '★4 만족', '★3 보통', '★2 불만족', '★1 매우 불만족', '건너뛰기']);
    await page.locator('#chat-quick button', { hasText: '★5 매우 만족' }).click();
    await page.locator('.msg.shopper', { hasText: '★5 매우 만족' }).waitFor();
    await page.locator('.msg.bot', { hasText: '한 줄 의견을 남겨 주시겠어요?' }).waitFor();
    await waitFor(async () => (await rig.server.store.listSurveys({ sessionId })).length === 1);
    expect(await rig.server.store.listSurveys({ sessionId })).toEqual([
      expect.objectContaining({ kind: 'csat', score: 5, flow: 'shipping_fee', intent: 'shipping.fee', agentId: null, locale: 'ko' }),
    ]);

    await chat(page, '빠르게 답해 주셔서 좋았어요');
    await page.locator('.msg.bot', { hasText: '소중한 의견 감사해요' }).waitFor();
    await waitFor(async () => (await rig.server.store.listSurveys({ sessionId }))[0]?.comment !== undefined);
    expect((await rig.server.store.listSurveys({ sessionId }))[0]?.comment).toBe('빠르게 답해 주셔서 좋았어요');
  });

  it('an unhappy shopper who accepts a person reaches the console with the survey shown', async () => {
    const { page, sessionId } = await surveyedShopper();
    await page.locator('#chat-quick button', { hasText: '★1 매우 불만족' }).click();
    await page.locator('.msg.bot', { hasText: '상담원이 직접 도와드릴까요?' }).waitFor();
    await page.locator('#chat-quick button', { hasText: '상담원 연결' }).click();
    await page.locator('#chat-status', { hasText: '상담원 연결 대기 중' }).waitFor();
    await waitFor(async () => (await rig.server.store.listQueue(['waiting'])).some((item) => item.sessionId === sessionId));
    const item = (await rig.server.store.listQueue(['waiting'])).find((i) => i.sessionId === sessionId);
    expect(item).toMatchObject({ priority: 'high', reason: 'survey_detractor' });

    const agentPage = await (await rig.browser.newContext()).newPage();
    await agentPage.goto(`${rig.server.url}/console`);
    await agentPage.fill('#agent-id', 'agent');
    await agentPage.fill('#agent-password', 'daehwa-demo');
    await agentPage.click('#signin-submit');
    const entry = agentPage.locator('#queue-list li', { hasText: '불만족 평가' });
    await entry.waitFor();
    await entry.click();
    const survey = agentPage.locator('#survey li', { hasText: '만족도(CSAT): 1 / 5' });
    await survey.waitFor();
    expect(await survey.textContent()).toContain('흐름 shipping_fee');
    expect(await agentPage.locator('#survey-section').isVisible()).toBe(true);
  });
});
