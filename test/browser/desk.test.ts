// Real browser, real engine: the agent desk of issue 14 (canned replies by shortcut, typing both
// ways, read receipts, a photo from the shopper) in the demo shop's widget and the agent console.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { GPS_LATITUDE, withExif } from '../desk/fixtures/images.ts';
import { useEngineAndChromium } from './setup.ts';

const rig = useEngineAndChromium();
/** Screenshots go to the temp directory; DAEHWA_SCREENSHOTS=docs/images renews the ones in docs/console.md. */
const shot = (name: string): string => join(process.env['DAEHWA_SCREENSHOTS'] ?? tmpdir(), `${name}.png`);

async function signIn(page: Page, agentId = 'agent', password = 'daehwa-demo'): Promise<void> {
  await page.goto(`${rig.server.url}/console`);
  await page.fill('#agent-id', agentId);
  await page.fill('#agent-password', password);
  await page.click('#signin-submit');
  await page.locator('#connection', { hasText: '온라인' }).waitFor();
}

describe('agent desk in a browser', () => {
  it('lets an admin save a canned reply that an agent inserts by /shortcut, filled for the signed-in shopper', async () => {
    const shopperPage = await (await rig.browser.newContext()).newPage();
    await shopperPage.goto(`${rig.server.url}/`);
    await shopperPage.selectOption('#customer', 'c1002');
    await shopperPage.click('#chat-open');
    await shopperPage.locator('.msg.bot').first().waitFor();
    await shopperPage.fill('#chat-input', '상담원 연결해 주세요');
    await shopperPage.press('#chat-input', 'Enter');
    await shopperPage.locator('#chat-status', { hasText: '상담원 연결 대기 중' }).waitFor();

    const agentPage = await (await rig.browser.newContext({ viewport: { width: 1280, height: 760 } })).newPage();
    await signIn(agentPage);
    // The admin saves a reply; a typo in a placeholder is refused first.
    await agentPage.click('#canned-manage');
    await agentPage.fill('#canned-form [name=shortcut]', 'thanks');
    await agentPage.fill('#canned-form [name=title]', '기다려 주셔서 감사');
    await agentPage.fill('#canned-form [name=text]', '{{customer.nmae}}님, 기다려 주셔서 감사합니다.');
    await agentPage.click('#canned-save');
    await agentPage.locator('#canned-error', { hasText: '{{customer.nmae}}' }).waitFor();
    await agentPage.fill('#canned-form [name=text]', '{{customer.name}}님, 기다려 주셔서 감사합니다. 주문 {{order.number}} 확인해 볼게요.');
    await agentPage.click('#canned-save');
    await agentPage.locator('#canned-list li', { hasText: '/thanks' }).waitFor();
    await agentPage.click('#canned-close');

    const entry = agentPage.locator('#queue-list li', { hasText: '고객 요청' }).last();
    await entry.click();
    await agentPage.click('#claim');
    await agentPage.locator('#reply-input:enabled').waitFor();
    await agentPage.locator('#reply-input').pressSequentially('/tha');
    await agentPage.locator('#canned-suggest li', { hasText: '/thanks' }).waitFor();
    await agentPage.press('#reply-input', 'Enter');
    const value = await agentPage.inputValue('#reply-input');
    // Filled from the hand-off's snapshot: the customer's name and their latest order.
    const sessionIds = (await rig.server.store.listSessions()).filter((s) => s.customerId === 'c1002').map((s) => s.id);
    const item = (await rig.server.store.listQueue(['assigned'])).find((i) => sessionIds.includes(i.sessionId));
    const context = item?.context as { customer: { name: string }; recentOrders: { id: string }[] };
    expect(value).toBe(`${context.customer.name}님, 기다려 주셔서 감사합니다. 주문 ${context.recentOrders[0]?.id} 확인해 볼게요.`);
    await agentPage.press('#reply-input', 'Enter');
    await shopperPage.locator('.msg.agent', { hasText: '기다려 주셔서 감사합니다' }).waitFor();
    await agentPage.screenshot({ path: shot('console-canned') });
  });

  it('shows typing on both sides and a read receipt on the agent\'s message', async () => {
    const shopperPage = await (await rig.browser.newContext()).newPage();
    await shopperPage.goto(`${rig.server.url}/`);
    await shopperPage.click('#chat-open');
    await shopperPage.locator('.msg.bot').first().waitFor();
    await shopperPage.fill('#chat-input', '사람이랑 얘기하고 싶어요');
    await shopperPage.press('#chat-input', 'Enter');
    await shopperPage.locator('#chat-status', { hasText: '상담원 연결 대기 중' }).waitFor();

    const agentPage = await (await rig.browser.newContext({ viewport: { width: 1280, height: 760 } })).newPage();
    await signIn(agentPage);
    await agentPage.locator('#queue-list li', { hasText: '사람이랑 얘기하고 싶어요' }).click();
    await agentPage.click('#claim');
    await agentPage.locator('#reply-input:enabled').waitFor();
    await shopperPage.locator('#chat-status', { hasText: '상담원이 연결됐어요' }).waitFor();

    // The shopper types: the console says so.
    await shopperPage.locator('#chat-input').pressSequentially('주문');
    await agentPage.locator('#typing-indicator:visible', { hasText: '고객이 입력 중' }).waitFor();
    // The agent types: the widget says so.
    await agentPage.locator('#reply-input').pressSequentially('확인해');
    await shopperPage.locator('#chat-typing:visible', { hasText: '상담원이 입력 중' }).waitFor();
    await agentPage.fill('#reply-input', '확인해 볼게요. 잠시만요.');
    await agentPage.press('#reply-input', 'Enter');
    await shopperPage.locator('.msg.agent', { hasText: '확인해 볼게요' }).waitFor();
    expect(await shopperPage.locator('#chat-typing').isHidden()).toBe(true);
    // The widget had the chat open: the agent sees the message was read.
    await agentPage.locator('#transcript li.agent.read', { hasText: '확인해 볼게요' }).locator('.receipt').waitFor();
    // The shopper sends what they typed: the console's indicator goes.
    await shopperPage.press('#chat-input', 'Enter');
    await agentPage.locator('#transcript li.shopper', { hasText: '주문' }).last().waitFor();
    await agentPage.locator('#typing-indicator').waitFor({ state: 'hidden' });
  });

  it('shows the agent a photo the shopper sent from the widget, without its GPS position', async () => {
    const shopperPage = await (await rig.browser.newContext()).newPage();
    await shopperPage.goto(`${rig.server.url}/`);
    await shopperPage.click('#chat-open');
    await shopperPage.locator('.msg.bot').first().waitFor();
    await shopperPage.fill('#chat-input', '상담원이랑 통화 말고 채팅할래요');
    await shopperPage.press('#chat-input', 'Enter');
    await shopperPage.locator('#chat-status', { hasText: '상담원 연결 대기 중' }).waitFor();

    // A real photo: drawn by the browser, with a GPS block put in as a phone camera would.
    const dataUrl = await shopperPage.evaluate(() => {
      const canvas = document.createElement('canvas');
      canvas.width = 64;
      canvas.height = 48;
      const g = canvas.getContext('2d')!;
      g.fillStyle = '#c0392b';
      g.fillRect(0, 0, 64, 48);
      g.fillStyle = '#fff';
      g.fillRect(16, 12, 32, 24);
      return canvas.toDataURL('image/jpeg', 0.9);
    });
    const photo = withExif(Buffer.from(dataUrl.split(',')[1]!, 'base64'));
    expect(photo.includes(GPS_LATITUDE)).toBe(true);
    await shopperPage.setInputFiles('#chat-file', { name: 'IMG_2041.jpg', mimeType: 'image/jpeg', buffer: photo });
    await shopperPage.locator('.msg.photo:not(.sending) img').waitFor();

    const agentPage = await (await rig.browser.newContext({ viewport: { width: 1280, height: 760 } })).newPage();
    await signIn(agentPage);
    await agentPage.locator('#queue-list li', { hasText: '상담원이랑 통화 말고' }).click();
    const shown = agentPage.locator('#transcript li.shopper img.attachment');
    await shown.waitFor();
    await agentPage.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('#transcript li.shopper img.attachment');
      return img !== null && img.complete && img.naturalWidth === 64 && img.naturalHeight === 48;
    });
    // What the agent was served has no GPS block.
    const served = await agentPage.evaluate(async () => {
      const id = document.querySelector<HTMLElement>('#transcript li.shopper:has(img.attachment)')!.dataset.attachmentId!;
      const response = await fetch(`/api/attachments/${id}`, { headers: { authorization: `Bearer ${sessionStorage.getItem('daehwa.agentToken')}` } });
      return Array.from(new Uint8Array(await response.arrayBuffer()));
    });
    expect(served.length).toBeGreaterThan(100);
    expect(Buffer.from(served).includes(GPS_LATITUDE)).toBe(false);
    expect(Buffer.from(served).includes(Buffer.from('Exif\0\0', 'latin1'))).toBe(false);
    await agentPage.click('#claim');
    await agentPage.locator('#reply-input:enabled').waitFor();
    await agentPage.locator('#reply-input').pressSequentially('사진 확인했어요');
    await agentPage.screenshot({ path: shot('console-photo') });
  });

  it('turns a waiting conversation red in the queue when it passes its first-response target', async () => {
    const shopperPage = await (await rig.browser.newContext()).newPage();
    await shopperPage.goto(`${rig.server.url}/`);
    await shopperPage.click('#chat-open');
    await shopperPage.locator('.msg.bot').first().waitFor();
    await shopperPage.fill('#chat-input', '상담원 빨리 연결해 주세요');
    await shopperPage.press('#chat-input', 'Enter');
    await shopperPage.locator('#chat-status', { hasText: '상담원 연결 대기 중' }).waitFor();

    const agentPage = await (await rig.browser.newContext({ viewport: { width: 1280, height: 760 } })).newPage();
    await signIn(agentPage);
    const entry = agentPage.locator('#queue-list li', { hasText: '상담원 빨리 연결해 주세요' });
    await entry.and(agentPage.locator('.sla-ok')).waitFor();
    // The default target for a normal conversation is 5 minutes, amber from 4.
    rig.server.clock.advance(4 * 60_000);
    await entry.and(agentPage.locator('.sla-warning')).waitFor();
    rig.server.clock.advance(60_000);
    await entry.and(agentPage.locator('.sla-breached')).waitFor();
    await agentPage.locator('#toast', { hasText: 'SLA breached' }).waitFor();
    expect(await entry.locator('.badge.sla').textContent()).toBe('5분 대기 · 목표 5분');
    expect((await rig.server.store.listSlaBreaches()).length).toBeGreaterThanOrEqual(1);
    await agentPage.screenshot({ path: shot('console-sla') });
  });
});
