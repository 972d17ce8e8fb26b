// Business hours: when people answer. Wall-clock times are read in the shop's time zone with Intl,
// so the server's own zone never matters.

import { z } from 'zod';
import { DEFAULT_SHOP_TIME_ZONE, isKnownTimeZone } from '../commerce/shop-calendar.ts';
import type { MessagesSpec } from '../dialog/schema.ts';
import { shopText } from '../dialog/shop-texts.ts';
import type { Locale } from '../nlu/types.ts';

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
type Day = (typeof DAYS)[number];

const clockTime = z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'use 24-hour "HH:MM" (00:00 to 24:00)');
const openingRange = z
  .tuple([clockTime, clockTime])
  .refine(([opens, closes]) => toMinutes(opens) < toMinutes(closes), 'the opening time must be before the closing time');
/** One range (`['09:00','18:00']`) or several for a break (`[['09:00','12:00'],['13:00','18:00']]`). */
const dayHours = z
  .union([openingRange, z.array(openingRange)])
  .transform((value) => (typeof value[0] === 'string' ? [value as [string, string]] : (value as [string, string][])));

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'use an ISO date "YYYY-MM-DD"');

export const businessHoursSchema = z
  .object({
    /** The shop's one time zone: business hours, and the calendar of return windows and "today" (shop-calendar.ts). */
    timeZone: z
      .string()
      .default(DEFAULT_SHOP_TIME_ZONE)
      .refine(isKnownTimeZone, { message: 'not an IANA time zone (for example "Asia/Seoul")' }),
    /** How the zone is shown to English-speaking shoppers; defaults to KST for Asia/Seoul. */
    timeZoneLabel: z.string().min(1).optional(),
    weekly: z.strictObject({
      mon: dayHours.optional(),
      tue: dayHours.optional(),
      wed: dayHours.optional(),
      thu: dayHours.optional(),
      fri: dayHours.optional(),
      sat: dayHours.optional(),
      sun: dayHours.optional(),
    }),
    /** Dates in the shop's zone when nobody answers, whatever the weekday. */
    holidays: z.array(isoDate).default([]),
  })
  .refine((hours) => Object.values(hours.weekly).some((ranges) => ranges !== undefined && ranges.length > 0), {
    message: 'at least one weekday needs opening hours',
    path: ['weekly'],
  });

export type BusinessHours = z.output<typeof businessHoursSchema>;
export type BusinessHoursInput = z.input<typeof businessHoursSchema>;

export const DEFAULT_BUSINESS_HOURS: BusinessHours = businessHoursSchema.parse({
  weekly: {
    mon: ['09:00', '18:00'],
    tue: ['09:00', '18:00'],
    wed: ['09:00', '18:00'],
    thu: ['09:00', '18:00'],
    fri: ['09:00', '18:00'],
  },
});

export function isOpen(hours: BusinessHours, now: Date): boolean {
  const local = localTime(hours.timeZone, now);
  if (hours.holidays.includes(local.date)) return false;
  return rangesOn(hours, local.date).some(([opens, closes]) => toMinutes(opens) <= local.minutes && local.minutes < toMinutes(closes));
}

/** `now` itself while open; otherwise the next time people answer. */
export function nextOpening(hours: BusinessHours, now: Date): Date {
  if (isOpen(hours, now)) return now;
  const today = localTime(hours.timeZone, now).date;
  // Some weekday opens every week (the schema requires it) and each holiday closes at most one
  // such day, so one week more than there are holidays always reaches an opening.
  const horizon = 7 * (hours.holidays.length + 1) + 1;
  for (let offset = 0; offset <= horizon; offset++) {
    const date = addDays(today, offset);
    if (hours.holidays.includes(date)) continue;
    for (const [opens] of rangesOn(hours, date)) {
      const opening = zonedInstant(hours.timeZone, date, toMinutes(opens));
      if (opening.getTime() > now.getTime()) return opening;
    }
  }
  throw new Error('business hours never open'); // unreachable for hours that passed the schema
}

/**
 * What the shopper is told outside business hours, in their language: the sentences of
 * flows/messages.yaml `reopening`, with the day and the time written as the language writes them.
 */
export function formatNextOpening(hours: BusinessHours, now: Date, locale: Locale, messages: MessagesSpec): string {
  const opening = nextOpening(hours, now);
  if (opening === now) return shopText(messages, 'reopening', 'now', locale);
  const local = localTime(hours.timeZone, opening);
  const dayOffset = daysBetween(localTime(hours.timeZone, now).date, local.date);
  const time = locale === 'ko' ? koreanClock(local.minutes) : englishClock(local.minutes);
  return shopText(messages, 'reopening', 'at', locale, { when: reopeningDay(local.date, dayOffset, locale, messages), time, zone: zoneLabel(hours, opening) });
}

interface LocalTime {
  /** YYYY-MM-DD in the zone. */
  date: string;
  /** Minutes since local midnight. */
  minutes: number;
}

const KOREAN_WEEKDAYS = ['일', '월', '화', '수', '목', '금', '토'];
const ENGLISH_WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const ENGLISH_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** Today, tomorrow, a day of the coming week, or a later date. */
function reopeningDay(date: string, dayOffset: number, locale: Locale, messages: MessagesSpec): string {
  const weekday = (locale === 'ko' ? KOREAN_WEEKDAYS : ENGLISH_WEEKDAYS)[weekdayOf(date)] ?? '';
  if (dayOffset === 0) return shopText(messages, 'reopening', 'today', locale);
  if (dayOffset === 1) return shopText(messages, 'reopening', 'tomorrow', locale, { weekday });
  if (dayOffset < 7) return shopText(messages, 'reopening', 'this_week', locale, { weekday });
  const [, month = 1, day = 1] = date.split('-').map(Number);
  return shopText(messages, 'reopening', 'later', locale, { month: locale === 'ko' ? month : (ENGLISH_MONTHS[month - 1] ?? ''), day, weekday });
}

/** 오전 9시, 낮 12시, 오후 1시 30분. */
function koreanClock(minutes: number): string {
  const hour = Math.floor(minutes / 60);
  const minute = minutes % 60;
  const period = hour < 12 ? '오전' : hour === 12 ? '낮' : '오후';
  return `${period} ${hour % 12 === 0 ? 12 : hour % 12}시${minute > 0 ? ` ${minute}분` : ''}`;
}

/** 9:00 AM, 12:00 PM, 1:30 PM. */
function englishClock(minutes: number): string {
  const hour = Math.floor(minutes / 60);
  return `${hour % 12 === 0 ? 12 : hour % 12}:${String(minutes % 60).padStart(2, '0')} ${hour < 12 ? 'AM' : 'PM'}`;
}

function zoneLabel(hours: BusinessHours, at: Date): string {
  if (hours.timeZoneLabel) return hours.timeZoneLabel;
  if (hours.timeZone === 'Asia/Seoul') return 'KST'; // Intl says "GMT+9", which Korean shops never write
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: hours.timeZone, timeZoneName: 'short' }).formatToParts(at);
  return parts.find((part) => part.type === 'timeZoneName')?.value ?? hours.timeZone;
}

function rangesOn(hours: BusinessHours, date: string): [string, string][] {
  const day: Day = DAYS[weekdayOf(date)] ?? 'sun';
  return [...(hours.weekly[day] ?? [])].sort((a, b) => toMinutes(a[0]) - toMinutes(b[0]));
}

function toMinutes(clock: string): number {
  const [hour, minute] = clock.split(':').map(Number);
  return (hour ?? 0) * 60 + (minute ?? 0);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function wallClock(timeZone: string, instant: Date): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  const parts = format.formatToParts(instant);
  const value = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((part) => part.type === type)?.value);
  return { year: value('year'), month: value('month'), day: value('day'), hour: value('hour'), minute: value('minute'), second: value('second') };
}

function localTime(timeZone: string, instant: Date): LocalTime {
  const { year, month, day, hour, minute } = wallClock(timeZone, instant);
  return { date: isoDateOf(Date.UTC(year, month - 1, day)), minutes: hour * 60 + minute };
}

/** The instant when the zone's clocks show `minutes` past midnight on `date`. */
function zonedInstant(timeZone: string, date: string, minutes: number): Date {
  const [year, month, day] = date.split('-').map(Number);
  const wanted = Date.UTC(year ?? 1970, (month ?? 1) - 1, day ?? 1, 0, minutes);
  let guess = wanted;
  // Twice: the offset at the first guess can differ from the offset at the answer across a DST change.
  for (let i = 0; i < 2; i++) guess = wanted - offsetMs(timeZone, guess);
  return new Date(guess);
}

function offsetMs(timeZone: string, instant: number): number {
  const { year, month, day, hour, minute, second } = wallClock(timeZone, new Date(instant));
  return Date.UTC(year, month - 1, day, hour, minute, second) - Math.floor(instant / 1000) * 1000;
}

function weekdayOf(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

function addDays(date: string, days: number): string {
  return isoDateOf(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

function isoDateOf(utcMs: number): string {
  return new Date(utcMs).toISOString().slice(0, 10);
}
