// `{{path | filter}}` templates over the flow's variables. Values that are {ko, en} objects
// (product names) render in the conversation's language.

import type { Locale } from '../nlu/types.ts';
import type { MessagesSpec } from './schema.ts';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type Scope = Record<string, Json | undefined>;

/** Korean particles whose form depends on the last sound of the word: `{{product.name | 은는}}`. */
const PARTICLES = {
  은는: ['은', '는'],
  이가: ['이', '가'],
  을를: ['을', '를'],
  과와: ['과', '와'],
  으로: ['으로', '로'],
  이에요: ['이에요', '예요'],
} as const;
type Particle = keyof typeof PARTICLES;

export const FILTERS = ['date', 'money', 'status', 'list', 'names', 'count', ...(Object.keys(PARTICLES) as Particle[])] as const;
type Filter = (typeof FILTERS)[number];

const PLACEHOLDER = /\{\{\s*([^{}|]+?)\s*(?:\|\s*([^{}]+?)\s*)?\}\}/g;

export interface TemplateRef {
  path: string[];
  filter: string | null;
}

/** The variable references in a template, for the validator. */
export function templateRefs(template: string): TemplateRef[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => ({ path: splitPath(m[1] ?? ''), filter: m[2] ?? null }));
}

export function splitPath(path: string): string[] {
  return path.split('.').map((p) => p.trim());
}

export function lookupPath(scope: Scope, path: readonly string[]): Json | undefined {
  let value: Json | undefined = scope[path[0] ?? ''];
  for (let i = 1; i < path.length; i++) {
    const key = path[i] as string;
    if (value === null || value === undefined || typeof value !== 'object') return undefined;
    value = Array.isArray(value) ? (key === 'length' ? value.length : value[Number(key)]) : value[key];
  }
  return value;
}

export interface RenderContext {
  locale: Locale;
  scope: Scope;
  messages: MessagesSpec;
}

/** A template read once: its text between placeholders, and each placeholder's path and filter. */
interface Compiled {
  texts: string[];
  refs: { path: string[]; filter: Filter | null }[];
}

/** Templates come from the flow set (a few hundred): each is read once, not on every reply. */
const compiledTemplates = new Map<string, Compiled>();
const MAX_COMPILED_TEMPLATES = 10_000;

function compile(template: string): Compiled {
  let compiled = compiledTemplates.get(template);
  if (compiled) return compiled;
  compiled = { texts: [], refs: [] };
  let at = 0;
  for (const m of template.matchAll(PLACEHOLDER)) {
    compiled.texts.push(template.slice(at, m.index));
    compiled.refs.push({ path: splitPath(m[1] ?? ''), filter: (m[2] as Filter | undefined) ?? null });
    at = m.index + m[0].length;
  }
  compiled.texts.push(template.slice(at));
  if (compiledTemplates.size >= MAX_COMPILED_TEMPLATES) compiledTemplates.clear();
  compiledTemplates.set(template, compiled);
  return compiled;
}

export function render(template: string, ctx: RenderContext): string {
  const { texts, refs } = compile(template);
  let out = texts[0] as string;
  for (let i = 0; i < refs.length; i++) {
    const ref = refs[i]!;
    out += format(lookupPath(ctx.scope, ref.path), ref.filter, ctx) + (texts[i + 1] as string);
  }
  return out;
}

/** A template that is exactly one placeholder without a filter keeps its value's type (for action args). */
export function renderValue(template: string | number | boolean | null, ctx: RenderContext): Json | undefined {
  if (typeof template !== 'string') return template;
  const whole = /^\{\{\s*([^{}|]+?)\s*\}\}$/.exec(template);
  if (whole) return lookupPath(ctx.scope, splitPath(whole[1] ?? ''));
  return render(template, ctx);
}

export function isLocalized(value: unknown): value is { ko: string; en: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Record<string, unknown>).ko === 'string' &&
    typeof (value as Record<string, unknown>).en === 'string'
  );
}

function format(value: Json | undefined, filter: Filter | null, ctx: RenderContext): string {
  if (value === undefined || value === null) return '';
  switch (filter) {
    case 'date':
      return typeof value === 'string' ? formatDate(value, ctx.locale) : plain(value, ctx.locale);
    case 'money':
      return typeof value === 'number' ? formatMoney(value, ctx.locale) : plain(value, ctx.locale);
    case 'status': {
      const label = typeof value === 'string' ? ctx.messages.order_status[value as keyof MessagesSpec['order_status']] : undefined;
      return label ? label[ctx.locale] : plain(value, ctx.locale);
    }
    case 'list':
      return Array.isArray(value) ? value.map((v) => plain(v, ctx.locale)).join(', ') : plain(value, ctx.locale);
    case 'names':
      return Array.isArray(value)
        ? value.map((v) => (v && typeof v === 'object' && !Array.isArray(v) ? plain(v.name ?? null, ctx.locale) : plain(v, ctx.locale))).join(', ')
        : plain(value, ctx.locale);
    case 'count':
      return Array.isArray(value) ? String(value.length) : '0';
    case null:
      return plain(value, ctx.locale);
    default:
      return withParticle(plain(value, ctx.locale), filter);
  }
}

// How the last character of a word is read aloud: does it end in a consonant (받침), and is it ㄹ?
// Digits and Latin letters are read the Korean way: 1 일, 3 삼, 6 육; L 엘, M 엠, N 엔, R 알.
const DIGIT_ENDINGS: Record<string, 'ㄹ' | 'other' | 'none'> = {
  '0': 'other', '1': 'ㄹ', '2': 'none', '3': 'other', '4': 'none', '5': 'none', '6': 'other', '7': 'ㄹ', '8': 'ㄹ', '9': 'none',
};
const LETTER_ENDINGS: Record<string, 'ㄹ' | 'other'> = { l: 'ㄹ', r: 'ㄹ', m: 'other', n: 'other' };

function finalSound(word: string): 'ㄹ' | 'other' | 'none' | null {
  const last = [...word.replace(/[^\p{L}\p{N}]+$/u, '')].pop();
  if (last === undefined) return null;
  const code = last.charCodeAt(0) - 0xac00;
  if (code >= 0 && code < 11172) {
    const jong = code % 28;
    return jong === 0 ? 'none' : jong === 8 ? 'ㄹ' : 'other';
  }
  if (/\d/.test(last)) return DIGIT_ENDINGS[last] ?? 'none';
  if (/[a-z]/i.test(last)) return LETTER_ENDINGS[last.toLowerCase()] ?? 'none';
  return null;
}

/** "와이드 데님 팬츠" + 은는 = "와이드 데님 팬츠는"; "블랙" + 으로 = "블랙으로"; "L" + 으로 = "L로". */
export function withParticle(word: string, particle: Particle): string {
  const sound = finalSound(word);
  if (sound === null) return word;
  const [afterConsonant, afterVowel] = PARTICLES[particle];
  // 으로 follows ㄹ like a vowel: 서울로, 일로.
  const consonant = particle === '으로' ? sound === 'other' : sound !== 'none';
  return `${word}${consonant ? afterConsonant : afterVowel}`;
}

function plain(value: Json, locale: Locale): string {
  if (value === null) return '';
  if (isLocalized(value)) return value[locale];
  if (Array.isArray(value)) return value.map((v) => plain(v, locale)).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

const WEEKDAYS_KO = ['일', '월', '화', '수', '목', '금', '토'];

/** "11월 5일(목)" / "Thu, Nov 5". Calendar dates are read as written, without a time zone shift. */
export function formatDate(iso: string, locale: Locale): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return iso;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (locale === 'ko') return `${date.getUTCMonth() + 1}월 ${date.getUTCDate()}일(${WEEKDAYS_KO[date.getUTCDay()]})`;
  return date.toLocaleDateString('en-US', { weekday: 'short', month: 'short', day: 'numeric', timeZone: 'UTC' });
}

export function formatMoney(won: number, locale: Locale): string {
  const digits = Math.round(won).toLocaleString('en-US');
  return locale === 'ko' ? `${digits}원` : `₩${digits}`;
}
