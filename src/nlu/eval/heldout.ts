// The held-out set (test/nlu/heldout.yaml): lines written apart from the corpus, never trained on.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { CorpusError } from '../corpus.ts';
import { detectLocale } from '../locale.ts';
import { LOCALES, NOT_UNDERSTOOD, type Locale } from '../types.ts';
import { YamlSource } from '../yaml-source.ts';

export interface HeldOutLine {
  text: string;
  intent: string;
  locale: Locale;
  /** Lines mixing Hangul and Latin words, listed apart in the file. */
  mixed: boolean;
  /** Out-of-scope lines in the shop's own words (accounts, reviews, points ...), label None. */
  nearMiss?: boolean;
}

const heldOutSchema = z
  .object({
    intents: z.record(z.string(), z.partialRecord(z.enum(LOCALES), z.array(z.string().trim().min(1)))),
    mixed: z.array(z.object({ text: z.string().trim().min(1), intent: z.string() }).strict()).default([]),
    /** In-domain near-misses: shop questions no intent covers, and misleading cue words. */
    near_miss: z.partialRecord(z.enum(LOCALES), z.array(z.string().trim().min(1))).default({}),
  })
  .strict();

export const DEFAULT_HELDOUT_FILE = 'test/nlu/heldout.yaml';
/** The second held-out set: registers the corpus lacks (formal, angry, long, shorthand, typos). */
export const DEFAULT_REGISTER_DIR = 'test/nlu/register';

export async function loadHeldOut(file: string): Promise<HeldOutLine[]> {
  const { value, issues } = new YamlSource(file, await readFile(file, 'utf8')).parse(heldOutSchema);
  if (!value) throw new CorpusError(issues);
  const lines: HeldOutLine[] = [];
  for (const [intent, byLocale] of Object.entries(value.intents)) {
    for (const locale of LOCALES) for (const text of byLocale[locale] ?? []) lines.push({ text, intent, locale, mixed: false });
  }
  for (const { text, intent } of value.mixed) lines.push({ text, intent, locale: detectLocale(text), mixed: true });
  for (const locale of LOCALES) for (const text of value.near_miss[locale] ?? []) lines.push({ text, intent: NOT_UNDERSTOOD, locale, mixed: false, nearMiss: true });
  return lines;
}

/** Every held-out file of a folder (`*.yaml`, in name order), as one set. */
export async function loadHeldOutDir(dir: string): Promise<{ files: string[]; lines: HeldOutLine[] }> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort().map((f) => join(dir, f));
  const lines: HeldOutLine[] = [];
  for (const file of files) lines.push(...(await loadHeldOut(file)));
  return { files, lines };
}
