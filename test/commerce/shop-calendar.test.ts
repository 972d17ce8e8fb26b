// One shop calendar from one configuration key (handoff.businessHours.timeZone, issue 10): the
// demo shop's return window, the dialog's "today" and business hours all move with it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCommerceFromConfig, type ClosableCommercePort } from '../../src/commerce/index.ts';
import { DEFAULT_SHOP_TIME_ZONE, shopCalendar } from '../../src/commerce/shop-calendar.ts';
import { configSchema } from '../../src/config/schema.ts';
import { formatNextOpening, isOpen } from '../../src/handoff/hours.ts';
import { extractEntities } from '../../src/nlu/entities/index.ts';
import { SHOP_MESSAGES } from '../shop-messages.ts';

// 20261102 was delivered 2026-11-13T05:05Z (14:05 in Seoul); the return window is 7 days.
const LATE_EVENING_UTC = new Date('2026-11-20T23:30:00Z'); // 2026-11-21 08:30 in Seoul

const zoneOf = (timeZone?: string): string =>
  configSchema.parse(timeZone === undefined ? {} : { handoff: { businessHours: { timeZone, weekly: { mon: ['09:00', '18:00'] } } } }).handoff
    .businessHours.timeZone;

describe('the shop calendar', () => {
  it('is Asia/Seoul unless configured', () => {
    expect(zoneOf()).toBe(DEFAULT_SHOP_TIME_ZONE);
    expect(DEFAULT_SHOP_TIME_ZONE).toBe('Asia/Seoul');
  });

  it('puts the same instant on different days in Asia/Seoul and UTC', () => {
    expect(shopCalendar(zoneOf()).dateOf(LATE_EVENING_UTC)).toBe('2026-11-21');
    expect(shopCalendar(zoneOf('UTC')).dateOf(LATE_EVENING_UTC)).toBe('2026-11-20');
    expect(shopCalendar('Asia/Seoul').daysBetween(new Date('2026-11-13T05:05:00Z'), LATE_EVENING_UTC)).toBe(8);
    expect(shopCalendar('UTC').daysBetween(new Date('2026-11-13T05:05:00Z'), LATE_EVENING_UTC)).toBe(7);
  });

  it('counts business days in its own zone', () => {
    // Friday 2026-11-20 23:30 UTC is already Saturday in Seoul.
    expect(shopCalendar('UTC').addBusinessDays(LATE_EVENING_UTC, 1)).toBe('2026-11-23');
    expect(shopCalendar('Asia/Seoul').addBusinessDays(LATE_EVENING_UTC, 1)).toBe('2026-11-23');
    expect(shopCalendar('UTC').addBusinessDays(new Date('2026-11-19T23:30:00Z'), 1)).toBe('2026-11-20');
    expect(shopCalendar('Asia/Seoul').addBusinessDays(new Date('2026-11-19T23:30:00Z'), 1)).toBe('2026-11-23');
  });

  it('turns the date at local midnight, to the millisecond, however the instants alternate', () => {
    const seoul = shopCalendar('Asia/Seoul');
    const before = new Date('2026-11-20T14:59:59.999Z'); // 23:59:59.999 in Seoul
    const after = new Date('2026-11-20T15:00:00.000Z');
    expect([seoul.dateOf(before), seoul.dateOf(after), seoul.dateOf(before)]).toEqual(['2026-11-20', '2026-11-21', '2026-11-20']);
    // Kathmandu is UTC+5:45: its midnight is at :15 past a UTC hour.
    const kathmandu = shopCalendar('Asia/Kathmandu');
    expect(kathmandu.dateOf(new Date('2026-11-20T18:14:59Z'))).toBe('2026-11-20');
    expect(kathmandu.dateOf(new Date('2026-11-20T18:15:00Z'))).toBe('2026-11-21');
  });

  it('refuses a zone the runtime does not know', () => {
    expect(() => shopCalendar('Mars/Olympus')).toThrow(RangeError);
    expect(() => zoneOf('Asia/Busan')).toThrow();
  });
});

describe("the demo shop's return window follows the configured zone", () => {
  let dataDir: string;
  const shops: ClosableCommercePort[] = [];

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'daehwa-calendar-'));
  });

  afterEach(async () => {
    await Promise.all(shops.splice(0).map((shop) => shop.close()));
    await rm(dataDir, { recursive: true, force: true });
  });

  async function returnAt(timeZone: string, now: Date): Promise<string> {
    const shop = await createCommerceFromConfig({ kind: 'demo', dataDir: path.join(dataDir, timeZone.replace('/', '-')) }, { timeZone });
    shops.push(shop);
    const result = await shop.createReturn({ orderId: '20261102', customerId: 'c1009', reason: '단순 변심', now });
    return result.ok ? result.value.status : result.error;
  }

  it('is past the window in Asia/Seoul (day 8) and still open in UTC (day 7) at 2026-11-20T23:30Z', async () => {
    expect(await returnAt(zoneOf(), LATE_EVENING_UTC)).toBe('past_window');
    expect(await returnAt(zoneOf('UTC'), LATE_EVENING_UTC)).toBe('requested');
  });
});

describe('one key, handoff.businessHours.timeZone, moves every reader of the calendar', () => {
  const WEEKDAYS = { mon: ['09:00', '18:00'], tue: ['09:00', '18:00'], wed: ['09:00', '18:00'], thu: ['09:00', '18:00'], fri: ['09:00', '18:00'] };
  const configured = (timeZone: string) => configSchema.parse({ handoff: { businessHours: { timeZone, weekly: WEEKDAYS } } }).handoff.businessHours;
  // Thursday 2026-11-19 09:30 in Los Angeles is already Friday 02:30 in Seoul.
  const THURSDAY_MORNING_IN_LA = new Date('2026-11-19T17:30:00Z');
  const today = (timeZone: string, now: Date) => extractEntities('today', 'en', now, { timeZone }).map((e) => e.value);
  const tomorrow = (timeZone: string, now: Date) => extractEntities('내일', 'ko', now, { timeZone }).map((e) => e.value);

  it('moves "today" of date entities, the calendar date and the hours together', () => {
    const seoul = configured('Asia/Seoul');
    const la = configured('America/Los_Angeles');
    expect([shopCalendar(seoul.timeZone).dateOf(THURSDAY_MORNING_IN_LA), shopCalendar(la.timeZone).dateOf(THURSDAY_MORNING_IN_LA)]).toEqual(['2026-11-20', '2026-11-19']);
    expect([today(seoul.timeZone, THURSDAY_MORNING_IN_LA), today(la.timeZone, THURSDAY_MORNING_IN_LA)]).toEqual([['2026-11-20'], ['2026-11-19']]);
    expect([tomorrow(seoul.timeZone, THURSDAY_MORNING_IN_LA), tomorrow(la.timeZone, THURSDAY_MORNING_IN_LA)]).toEqual([['2026-11-21'], ['2026-11-20']]);
    expect(isOpen(seoul, THURSDAY_MORNING_IN_LA)).toBe(false);
    expect(isOpen(la, THURSDAY_MORNING_IN_LA)).toBe(true);
    expect(formatNextOpening(seoul, THURSDAY_MORNING_IN_LA, 'en', SHOP_MESSAGES)).toBe('Our team is back today at 9:00 AM (KST).');
    expect(formatNextOpening(la, THURSDAY_MORNING_IN_LA, 'en', SHOP_MESSAGES)).toBe('Our team is available now.');
  });
});

describe("the return window's today in a zone west of UTC", () => {
  let dataDir: string;
  const shops: ClosableCommercePort[] = [];
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'daehwa-calendar-la-'));
  });
  afterEach(async () => {
    await Promise.all(shops.splice(0).map((shop) => shop.close()));
    await rm(dataDir, { recursive: true, force: true });
  });

  it('counts from the Los Angeles delivery date: day 8 there while Seoul is on day 7', async () => {
    // 20261102 was delivered 2026-11-13T05:05Z: the 13th in Seoul, the evening of the 12th in Los Angeles.
    // At 2026-11-20T10:00Z both zones are on the 20th.
    const now = new Date('2026-11-20T10:00:00Z');
    const statusIn = async (timeZone: string): Promise<string> => {
      const shop = await createCommerceFromConfig({ kind: 'demo', dataDir: path.join(dataDir, timeZone.replace('/', '-')) }, { timeZone: zoneOf(timeZone) });
      shops.push(shop);
      const result = await shop.createReturn({ orderId: '20261102', customerId: 'c1009', reason: '단순 변심', now });
      return result.ok ? result.value.status : result.error;
    };
    expect(await statusIn('Asia/Seoul')).toBe('requested');
    expect(await statusIn('America/Los_Angeles')).toBe('past_window');
  });
});

describe('the shop calendar read by analytics: local day and hour, the start of a day', () => {
  it('follows a change of offset (Los Angeles springs forward on 2026-03-08)', () => {
    const calendar = shopCalendar('America/Los_Angeles');
    expect(calendar.dayStart('2026-03-08')).toBe('2026-03-08T08:00:00.000Z');
    expect(calendar.dayStart('2026-03-09')).toBe('2026-03-09T07:00:00.000Z');
    expect(calendar.localTime('2026-03-08T09:59:30.000Z')).toEqual({ day: '2026-03-08', hour: 1 });
    expect(calendar.localTime('2026-03-08T10:00:00.000Z')).toEqual({ day: '2026-03-08', hour: 3 });
    expect(calendar.localTime('2026-03-09T06:59:00.000Z')).toEqual({ day: '2026-03-08', hour: 23 });
  });

  it('puts a Seoul evening on the next UTC day and names a malformed day', () => {
    const calendar = shopCalendar('Asia/Seoul');
    expect(calendar.localTime('2026-12-06T15:30:00.000Z')).toEqual({ day: '2026-12-07', hour: 0 });
    expect(calendar.dayStart('2026-12-07')).toBe('2026-12-06T15:00:00.000Z');
    expect(() => calendar.dayStart('7 Dec')).toThrow(/not a date: "7 Dec"/);
  });
});
