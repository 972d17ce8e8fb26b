// Voice of the customer: complaint themes a support lead defines in voc/themes.yaml (issue 12,
// docs/analytics.md#voc-themes). A theme names intents, keywords, or both; the file is validated
// like the flows, every problem with file:line:column, and a file with problems is refused whole.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { type FlowProblem, formatProblems, schemaProblems, SourceFile } from '../dialog/index.ts';
import { packagePath } from '../shared/package-paths.ts';

export const DEFAULT_VOC_FILE = packagePath('voc', 'themes.yaml');

const keywordList = z.array(z.string().trim().min(1, 'a keyword cannot be empty')).default([]);

const themeSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z][a-z0-9_]*$/, 'a theme id is lower-case letters, digits and underscores, starting with a letter'),
    label: z.strictObject({ ko: z.string().min(1), en: z.string().min(1) }),
    /** Lines of these intents are of the theme (all of them, or with keywords: those naming one). */
    intents: z.array(z.string().min(1)).default([]),
    keywords: z.strictObject({ ko: keywordList, en: keywordList }).default({ ko: [], en: [] }),
  })
  .refine((theme) => theme.intents.length + theme.keywords.ko.length + theme.keywords.en.length > 0, {
    message: 'a theme needs intents, keywords or both',
  });

const themesFileSchema = z.strictObject({ themes: z.array(themeSchema).min(1, 'name at least one theme') });

export type VocTheme = z.output<typeof themeSchema>;

export class VocRulesError extends Error {
  constructor(readonly problems: FlowProblem[]) {
    super(`the VOC themes are invalid\n${formatProblems(problems)}`);
    this.name = 'VocRulesError';
  }
}

export function parseVocThemes(file: string, text: string): { ok: true; themes: VocTheme[] } | { ok: false; problems: FlowProblem[] } {
  const parsed = SourceFile.parse(file, text);
  if (parsed.problems.length > 0) return { ok: false, problems: parsed.problems };
  const result = themesFileSchema.safeParse(parsed.source.data() ?? {});
  if (!result.success) return { ok: false, problems: schemaProblems(parsed.source, result.error) };
  const problems: FlowProblem[] = [];
  const seen = new Set<string>();
  result.data.themes.forEach((theme, index) => {
    if (seen.has(theme.id)) problems.push(parsed.source.problem(['themes', index, 'id'], `theme '${theme.id}' is defined twice`));
    seen.add(theme.id);
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, themes: result.data.themes };
}

export async function loadVocThemes(file: string = DEFAULT_VOC_FILE): Promise<VocTheme[]> {
  const parsed = parseVocThemes(file, await readFile(file, 'utf8'));
  if (!parsed.ok) throw new VocRulesError(parsed.problems);
  return parsed.themes;
}

/** A compiled matcher: the themes one line belongs to. */
export class VocMatcher {
  readonly #themes: { id: string; intents: Set<string>; keywords: Record<'ko' | 'en', string[]> }[];

  constructor(themes: readonly VocTheme[]) {
    this.#themes = themes.map((theme) => ({
      id: theme.id,
      intents: new Set(theme.intents),
      keywords: { ko: theme.keywords.ko.map(normalise), en: theme.keywords.en.map(normalise) },
    }));
  }

  /**
   * A line is of a theme when: the theme names only intents and the line has one of them; names
   * only keywords and the line contains one (of the line's language); names both and both hold.
   */
  themesOf(line: { intent: string | null; text: string | undefined; locale: 'ko' | 'en' }): string[] {
    const text = line.text === undefined ? '' : normalise(line.text);
    const found: string[] = [];
    for (const theme of this.#themes) {
      const words = theme.keywords[line.locale];
      const byIntent = theme.intents.size === 0 || (line.intent !== null && theme.intents.has(line.intent));
      const byWord = theme.keywords.ko.length + theme.keywords.en.length === 0 || words.some((word) => text.includes(word));
      if (byIntent && byWord) found.push(theme.id);
    }
    return found;
  }
}

function normalise(text: string): string {
  return text.normalize('NFC').toLowerCase().replace(/\s+/g, ' ');
}
