import { describe, expect, it } from 'vitest';
import {
  type BusinessHoursInput,
  businessHoursSchema,
  formatNextOpening,
  isOpen,
  nextOpening,
} from '../../src/handoff/hours.ts';
import { SHOP_MESSAGES } from '../shop-messages.ts';

const weekdays = (ranges: BusinessHoursInput['weekly']['mon']): BusinessHoursInput['weekly'] => ({
  mon: ranges,
  tue: ranges,
  wed: ranges,
  thu: ranges,
  fri: ranges,
});

const officeHours = businessHoursSchema.parse({ weekly: weekdays(['09:00', '18:00']) });
/** Instants written in KST (UTC+9, no DST): what a Seoul shop's clock shows. */
const kst = (local: string): Date => new Date(`${local}+09:00`);

describe('business hours in Asia/Seoul (2026-03-02 is a Monday)', () => {
  it('defaults to Asia/Seoul', () => {
    expect(officeHours.timeZone).toBe('Asia/Seoul');
  });

  it('is open from the opening minute until just before closing', () => {
    expect(isOpen(officeHours, kst('2026-03-02T08:59:59'))).toBe(false);
    expect(isOpen(officeHours, kst('2026-03-02T09:00:00'))).toBe(true);
    expect(isOpen(officeHours, kst('2026-03-02T17:59:59'))).toBe(true);
    expect(isOpen(officeHours, kst('2026-03-02T18:00:00'))).toBe(false);
  });

  it('reads the clock in Seoul, not in UTC', () => {
    // 00:30 UTC on Monday is 09:30 in Seoul; 10:00 UTC on Sunday is 19:00 Sunday in Seoul.
    expect(isOpen(officeHours, new Date('2026-03-02T00:30:00Z'))).toBe(true);
    expect(isOpen(officeHours, new Date('2026-03-01T23:30:00Z'))).toBe(false);
  });

  it('returns now while open', () => {
    const now = kst('2026-03-02T11:00:00');
    expect(nextOpening(officeHours, now)).toBe(now);
    expect(formatNextOpening(officeHours, now, 'ko', SHOP_MESSAGES)).toBe('지금 상담원과 연결할 수 있어요.');
  });

  it('after closing, points to the next morning', () => {
    const now = kst('2026-03-02T18:00:00');
    expect(nextOpening(officeHours, now).toISOString()).toBe('2026-03-03T00:00:00.000Z');
    expect(formatNextOpening(officeHours, now, 'ko', SHOP_MESSAGES)).toBe('상담원은 내일(화) 오전 9시부터 연결돼요.');
    expect(formatNextOpening(officeHours, now, 'en', SHOP_MESSAGES)).toBe('Our team is back Tuesday at 9:00 AM (KST).');
  });

  it('before opening, points to later today', () => {
    const now = kst('2026-03-03T07:30:00');
    expect(formatNextOpening(officeHours, now, 'ko', SHOP_MESSAGES)).toBe('상담원은 오늘 오전 9시부터 연결돼요.');
    expect(formatNextOpening(officeHours, now, 'en', SHOP_MESSAGES)).toBe('Our team is back today at 9:00 AM (KST).');
  });

  it('skips the weekend', () => {
    const friday = kst('2026-03-06T18:30:00');
    expect(isOpen(officeHours, kst('2026-03-07T11:00:00'))).toBe(false);
    expect(nextOpening(officeHours, friday).toISOString()).toBe('2026-03-09T00:00:00.000Z');
    expect(formatNextOpening(officeHours, friday, 'ko', SHOP_MESSAGES)).toBe('상담원은 월요일 오전 9시부터 연결돼요.');
    expect(formatNextOpening(officeHours, friday, 'en', SHOP_MESSAGES)).toBe('Our team is back Monday at 9:00 AM (KST).');
  });

  it('skips holidays, including a substitute holiday on a weekday', () => {
    // 삼일절 2026 falls on a Sunday; Monday 2 March is the substitute holiday.
    const hours = businessHoursSchema.parse({ weekly: weekdays(['09:00', '18:00']), holidays: ['2026-03-01', '2026-03-02'] });
    expect(isOpen(hours, kst('2026-03-02T10:00:00'))).toBe(false);
    const sundayEvening = kst('2026-03-01T20:00:00');
    expect(nextOpening(hours, sundayEvening).toISOString()).toBe('2026-03-03T00:00:00.000Z');
    expect(formatNextOpening(hours, sundayEvening, 'ko', SHOP_MESSAGES)).toBe('상담원은 화요일 오전 9시부터 연결돼요.');
  });

  it('gives the date when people are back more than a week later', () => {
    const hours = businessHoursSchema.parse({
      weekly: weekdays(['09:00', '18:00']),
      holidays: ['2026-03-09', '2026-03-10', '2026-03-11', '2026-03-12', '2026-03-13'],
    });
    const friday = kst('2026-03-06T19:00:00');
    expect(formatNextOpening(hours, friday, 'ko', SHOP_MESSAGES)).toBe('상담원은 3월 16일(월) 오전 9시부터 연결돼요.');
    expect(formatNextOpening(hours, friday, 'en', SHOP_MESSAGES)).toBe('Our team is back Monday, March 16 at 9:00 AM (KST).');
  });

  it('handles a lunch break and half hours', () => {
    const hours = businessHoursSchema.parse({
      weekly: { ...weekdays([['09:30', '12:00'], ['13:00', '18:00']]), sat: ['10:00', '14:00'] },
    });
    const lunch = kst('2026-03-02T12:15:00');
    expect(isOpen(hours, lunch)).toBe(false);
    expect(formatNextOpening(hours, lunch, 'ko', SHOP_MESSAGES)).toBe('상담원은 오늘 오후 1시부터 연결돼요.');
    expect(formatNextOpening(hours, lunch, 'en', SHOP_MESSAGES)).toBe('Our team is back today at 1:00 PM (KST).');
    expect(formatNextOpening(hours, kst('2026-03-02T07:00:00'), 'ko', SHOP_MESSAGES)).toBe('상담원은 오늘 오전 9시 30분부터 연결돼요.');
    expect(formatNextOpening(hours, kst('2026-03-06T20:00:00'), 'en', SHOP_MESSAGES)).toBe('Our team is back Saturday at 10:00 AM (KST).');
  });

  it('says noon as 낮 12시', () => {
    const hours = businessHoursSchema.parse({ weekly: { mon: ['12:00', '20:00'] } });
    expect(formatNextOpening(hours, kst('2026-03-02T08:00:00'), 'ko', SHOP_MESSAGES)).toBe('상담원은 오늘 낮 12시부터 연결돼요.');
    expect(formatNextOpening(hours, kst('2026-03-02T08:00:00'), 'en', SHOP_MESSAGES)).toBe('Our team is back today at 12:00 PM (KST).');
  });
});

describe('business hours in a zone with daylight saving time', () => {
  it('finds the opening instant across the change to summer time', () => {
    // New York moves to EDT (UTC-4) on Sunday 8 March 2026.
    const hours = businessHoursSchema.parse({ timeZone: 'America/New_York', weekly: weekdays(['09:00', '17:00']) });
    const fridayEvening = new Date('2026-03-06T23:00:00Z'); // 18:00 EST
    expect(nextOpening(hours, fridayEvening).toISOString()).toBe('2026-03-09T13:00:00.000Z');
    expect(formatNextOpening(hours, fridayEvening, 'en', SHOP_MESSAGES)).toBe('Our team is back Monday at 9:00 AM (EDT).');
    expect(isOpen(hours, new Date('2026-03-09T13:30:00Z'))).toBe(true);
    expect(isOpen(hours, new Date('2026-03-09T12:30:00Z'))).toBe(false);
  });
});

describe('business hours configuration', () => {
  const problem = (input: unknown): string => {
    const result = businessHoursSchema.safeParse(input);
    if (result.success) throw new Error('expected the configuration to be refused');
    return result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
  };

  it('names a badly written time', () => {
    expect(problem({ weekly: { mon: ['9:00', '18:00'] } })).toContain('weekly.mon');
  });

  it('refuses a closing time before the opening time', () => {
    expect(problem({ weekly: { mon: ['18:00', '09:00'] } })).toContain('opening time must be before');
  });

  it('refuses an unknown time zone and unknown days', () => {
    expect(problem({ timeZone: 'Asia/Busan', weekly: { mon: ['09:00', '18:00'] } })).toContain('timeZone');
    expect(problem({ weekly: { monday: ['09:00', '18:00'] } })).toContain('monday');
  });

  it('refuses hours that never open', () => {
    expect(problem({ weekly: {} })).toContain('at least one weekday');
  });

  it('refuses holidays that are not ISO dates', () => {
    expect(problem({ weekly: { mon: ['09:00', '18:00'] }, holidays: ['3/1'] })).toContain('holidays.0');
  });
});
