// The held-out set (test/nlu/heldout.yaml): lines written apart from the corpus, never trained on.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { CorpusError } from '../corpus.ts';
import { detectLocale } from '../locale.ts';
import { LOCALES, type Locale } from '../types.ts';
import { YamlSource } from '../yaml-source.ts';

export interface HeldOutLine {
  text: string;
  intent: string;
  locale: Locale;
  /** Lines mixing Hangul and Latin words, listed apart in the file. */
  mixed: boolean;
}

const heldOutSchema = z
  .object({
    intents: z.record(z.string(), z.partialRecord(z.enum(LOCALES), z.array(z.string().trim().min(1)))),
    mixed: z.array(z.object({ text: z.string().trim().min(1), intent: z.string() }).strict()).default([]),
  })
  .strict();

export const DEFAULT_HELDOUT_FILE = 'test/nlu/heldout.yaml';

export async function loadHeldOut(file: string): Promise<HeldOutLine[]> {
  const { value, issues } = new YamlSource(file, await readFile(file, 'utf8')).parse(heldOutSchema);
  if (!value) throw new CorpusError(issues);
  const lines: HeldOutLine[] = [];
  for (const [intent, byLocale] of Object.entries(value.intents)) {
    for (const locale of LOCALES) for (const text of byLocale[locale] ?? []) lines.push({ text, intent, locale, mixed: false });
  }
  for (const { text, intent } of value.mixed) lines.push({ text, intent, locale: detectLocale(text), mixed: true });
  return lines;
}
