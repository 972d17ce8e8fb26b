// Real browser, demo shop, real engine: dwell on a product page brings the size nudge, the FAQ
// chips are the product page's, a nudge button and a chip each run their flow, and a declined
// payment at checkout brings the payment help. The page's timers run on Playwright's clock, so
// twenty seconds of dwell take no time.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { recordPageProblems, useEngineAndChromium } from './setup.ts';

const rig = useEngineAndChromium();

async function shopAt(hash: string): Promise<Page> {
  const context = await rig.browser.newContext();
  await context.clock.install();
  const page = await context.newPage();
  const problems = recordPageProblems(page);
  await page.goto(`${rig.server.url}/${hash}`);
  (page as Page & { problems: string[] }).problems = problems;
  return page;
}

const chipLabels = (page: Page) => page.locator('#chat-suggest button').allTextContents();

describe('proactive help in the demo shop', () => {
  it('dwell on a product page brings the nudge; the chips are the page’s; a nudge button and a chip run their flows', async () => {
    const page = await shopAt('#/product/p104');
    await page.locator('#chat-suggest button', { hasText: '이 상품 사이즈 추천' }).waitFor({ state: 'attached' });
    expect(await chipLabels(page)).toEqual(['이 상품 사이즈 추천', '내 사이즈 재고 있어요?', '배송비 안내', '반품 규정']);
    expect(await page.locator('#nudge').isHidden()).toBe(true);

    await page.clock.fastForward(21_000);
    const nudge = page.locator('#nudge', { hasText: '사이즈 고민 중이신가요?' });
    await nudge.waitFor();
    await nudge.locator('button', { hasText: '사이즈 추천받기' }).click();
    // The chat opens and the size flow asks about the product in view.
    await page.locator('.msg.bot', { hasText: '캐시미어 블렌드 라운드 니트 사이즈를 봐 드릴게요' }).waitFor();
    expect(await page.locator('#nudge').isHidden()).toBe(true);

    await page.locator('#chat-suggest button', { hasText: '배송비 안내' }).click();
    await page.locator('.msg.shopper', { hasText: '배송비 안내' }).waitFor();
    await page.locator('.msg.bot', { hasText: '배송비는 3,000원이고' }).waitFor();

    // Another page, other chips.
    await page.click('a[href="#/help/returns"]');
    await page.locator('#chat-suggest button', { hasText: '반품 신청' }).waitFor();
    expect(await chipLabels(page)).toEqual(['반품 신청', '교환 신청', '환불 언제 돼요?', '반품 규정']);
    expect((page as Page & { problems: string[] }).problems).toEqual([]);
  });

  it('a dismissed nudge goes away and nothing more comes in that visit', async () => {
    const page = await shopAt('#/product/p101');
    await page.locator('#chat-suggest button').first().waitFor({ state: 'attached' });
    await page.clock.fastForward(21_000);
    await page.locator('#nudge', { hasText: '사이즈 고민 중이신가요?' }).waitFor();
    await page.click('#nudge-close');
    expect(await page.locator('#nudge').isHidden()).toBe(true);
    await page.evaluate(() => {
      location.hash = '#/product/p302';
    });
    await page.locator('#chat-suggest button', { hasText: '이 상품 사이즈 추천' }).waitFor({ state: 'attached' });
    await page.clock.fastForward(31_000);
    await page.click('#nav-cart');
    await page.locator('#chat-suggest button', { hasText: '쿠폰이 안 돼요' }).waitFor({ state: 'attached' });
    expect(await page.locator('#nudge').isHidden()).toBe(true);
  });

  it('a declined payment at checkout brings the payment help', async () => {
    const page = await shopAt('#/product/p201');
    await page.click('#add-to-cart');
    await page.click('#nav-cart');
    await page.click('#to-checkout');
    await page.locator('#chat-suggest button', { hasText: '결제가 안 돼요' }).waitFor({ state: 'attached' });
    await page.selectOption('#checkout-outcome', 'payment_declined');
    await page.click('#pay');
    expect(await page.locator('#checkout-result').textContent()).toContain('카드 승인이 거절됐어요');
    const nudge = page.locator('#nudge', { hasText: '카드 한도' });
    await nudge.waitFor();
    await nudge.locator('.nudge-text').click();
    await page.locator('.msg.bot', { hasText: '다른 카드나 간편결제' }).waitFor();
    expect(await page.locator('#chat-quick button').allTextContents()).toEqual(['상담원 연결']);
  });
});
