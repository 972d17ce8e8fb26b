// Conditions of `branch` steps: every `path: matcher` pair must hold.

import type { Condition, Matcher } from './schema.ts';
import { lookupPath, splitPath, type Json, type Scope } from './template.ts';

export function holds(condition: Condition, scope: Scope): boolean {
  return Object.entries(condition).every(([path, matcher]) => matches(lookupPath(scope, splitPath(path)), matcher, scope));
}

function matches(value: Json | undefined, matcher: Matcher, scope: Scope): boolean {
  if (Array.isArray(matcher)) return matcher.some((m) => same(value, m));
  if (matcher === null || typeof matcher !== 'object') return same(value, matcher);
  const present = value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0);
  if (matcher.exists !== undefined && matcher.exists !== present) return false;
  if (matcher.in && !matcher.in.some((m) => same(value, m))) return false;
  if (matcher.not !== undefined) {
    const excluded = Array.isArray(matcher.not) ? matcher.not : [matcher.not];
    if (excluded.some((m) => same(value, m))) return false;
  }
  const n = typeof value === 'number' ? value : Array.isArray(value) ? value.length : Number.NaN;
  if (matcher.gt !== undefined && !(n > matcher.gt)) return false;
  if (matcher.gte !== undefined && !(n >= matcher.gte)) return false;
  if (matcher.lt !== undefined && !(n < matcher.lt)) return false;
  if (matcher.lte !== undefined && !(n <= matcher.lte)) return false;
  if (matcher.before !== undefined && !compareDates(value, dateOperand(matcher.before, scope), (a, b) => a < b)) return false;
  if (matcher.after !== undefined && !compareDates(value, dateOperand(matcher.after, scope), (a, b) => a > b)) return false;
  return true;
}

/** ISO calendar dates compare as text; a value that is not a date is never before or after anything. */
function compareDates(value: Json | undefined, operand: Json | undefined, test: (a: string, b: string) => boolean): boolean {
  const a = calendarDate(value);
  const b = calendarDate(operand);
  return a !== '' && b !== '' && test(a, b);
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}/;

/** `before: 2026-11-20` compares with that date, `before: today` with the variable. */
export function dateOperand(operand: string, scope: Scope): Json | undefined {
  return ISO_DATE.test(operand) ? operand : lookupPath(scope, splitPath(operand));
}

/** The YYYY-MM-DD part of a date or date-time as written, else ''. */
function calendarDate(value: Json | undefined): string {
  return typeof value === 'string' && ISO_DATE.test(value) ? value.slice(0, 10) : '';
}

/** Loose on purpose: YAML `250` and a slot value "250" are the same answer. */
function same(value: Json | undefined, expected: string | number | boolean | null): boolean {
  if (value === undefined) return expected === null;
  if (value === null || expected === null) return value === expected;
  if (typeof value === 'object') return false;
  return String(value) === String(expected);
}
