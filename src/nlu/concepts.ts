// The concept lexicon: YAML files under `intents/concepts/` where trainers list the words that
// mean one shop concept in each language. Checked like the corpus, every problem at file:line:col:
// unknown locales and intents, a word under two concepts, a concept defined twice, files that are
// empty or too large. See docs/training.md, "Concepts".
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { conceptTerm, type Concept } from './analysis/concepts.ts';
import { LOCALES, type Locale } from './types.ts';
import { formatPosition, YamlSource, type SourceIssue, type SourcePosition } from './yaml-source.ts';

/** The folder of the corpus that holds the lexicon. */
export const CONCEPTS_DIR = 'concepts';
/** Beyond these a file is a mistake (a pasted word list), not a lexicon a trainer maintains. */
export const MAX_LEXICON_FILE_BYTES = 256 * 1024;
export const MAX_LEXICON_WORDS = 5_000;

const CONCEPT_NAME = /^[a-z][a-z0-9_]*$/;

const words = z.array(z.string().trim().min(1, 'empty word')).nullable();
const conceptEntrySchema = z
  .object({ intents: z.array(z.string().min(1)).optional() })
  // Locale keys are checked by name below, so an unknown one is reported as such.
  .catchall(words);
const lexiconFileSchema = z
  .object({
    concepts: z.record(z.string(), conceptEntrySchema),
  })
  .strict();

interface Seen {
  concept: string;
  word: string;
  at: SourcePosition;
}

/** Reads every lexicon file of `corpusDir/concepts/`; `intents` are the corpus's, to check references. */
export async function readConcepts(corpusDir: string, intents: readonly string[]): Promise<{ concepts: Concept[]; issues: SourceIssue[] }> {
  const dir = join(corpusDir, CONCEPTS_DIR);
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort();
  } catch {
    return { concepts: [], issues: [] }; // no lexicon: the model goes without concept features
  }
  const lexicon = new Lexicon(intents);
  for (const name of names) {
    const file = join(dir, name);
    let text: string;
    try {
      const { size } = await stat(file);
      if (size > MAX_LEXICON_FILE_BYTES) {
        lexicon.issues.push({ severity: 'error', message: `the file is ${Math.round(size / 1024)} KB, over the ${MAX_LEXICON_FILE_BYTES / 1024} KB a lexicon file may have: split it by topic`, at: { file } });
        continue;
      }
      text = await readFile(file, 'utf8');
    } catch (err) {
      lexicon.issues.push({ severity: 'error', message: `cannot read the file: ${err instanceof Error ? err.message : String(err)}`, at: { file } });
      continue;
    }
    lexicon.add(file, text);
  }
  return { concepts: lexicon.concepts(), issues: lexicon.issues };
}

/** The lexicon being read, file by file: what was seen where, to report repeats at both places. */
class Lexicon {
  readonly issues: SourceIssue[] = [];
  readonly #concepts = new Map<string, Concept & { at: SourcePosition }>();
  /** `${locale}\t${matched form}` -> where it was first listed. */
  readonly #terms = new Map<string, Seen>();
  #words = 0;

  constructor(private readonly intents: readonly string[]) {}

  concepts(): Concept[] {
    return [...this.#concepts.values()].map(({ at: _at, ...concept }) => concept).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  add(file: string, text: string): void {
    const source = new YamlSource(file, text);
    if (source.document.contents === null && source.document.errors.length === 0) {
      this.#error('the file is empty: a lexicon file starts with `concepts:` and lists concepts under it', { file, line: 1, column: 1 });
      return;
    }
    const { value, issues } = source.parse(lexiconFileSchema);
    this.issues.push(...issues);
    if (!value) return;
    const entries = Object.entries(value.concepts);
    if (entries.length === 0) this.#error('no concepts: list at least one under `concepts:`', source.positionOf(['concepts']));
    for (const [name, entry] of entries) this.#addConcept(source, name, entry);
  }

  #addConcept(source: YamlSource, name: string, entry: z.infer<typeof conceptEntrySchema>): void {
    const at = source.keyPosition(['concepts'], name);
    if (!CONCEPT_NAME.test(name)) {
      this.#error(`concept name '${name}': concept names are lowercase words joined by _ (money_back)`, at);
      return;
    }
    const earlier = this.#concepts.get(name);
    if (earlier) {
      this.#error(`concept '${name}' is already defined at ${formatPosition(earlier.at)}: one concept, one entry`, at);
      return;
    }
    const concept: Concept & { at: SourcePosition } = { name, intents: [], ko: [], en: [], at };
    (entry.intents ?? []).forEach((intent, i) => {
      if (this.intents.includes(intent)) concept.intents.push(intent);
      else this.#error(`concept '${name}' names intent '${intent}', which has no file in the corpus`, source.positionOf(['concepts', name, 'intents', i]));
    });
    for (const [key, list] of Object.entries(entry)) {
      if (key === 'intents') continue;
      if (!(LOCALES as readonly string[]).includes(key)) {
        this.#error(`unknown locale '${key}' in concept '${name}' (known: intents, ${LOCALES.join(', ')})`, source.keyPosition(['concepts', name], key));
        continue;
      }
      const locale = key as Locale;
      ((list as string[] | null) ?? []).forEach((word, i) => this.#addWord(concept, locale, word, source.positionOf(['concepts', name, locale, i])));
    }
    if (concept.ko.length + concept.en.length === 0) this.#error(`concept '${name}' has no words: list them under ko and/or en`, at);
    this.#concepts.set(name, concept);
  }

  #addWord(concept: Concept, locale: Locale, word: string, at: SourcePosition): void {
    if (++this.#words === MAX_LEXICON_WORDS + 1) this.#error(`the lexicon has more than ${MAX_LEXICON_WORDS} words: keep it to the words that matter`, at);
    const term = conceptTerm(word, locale);
    if ('problem' in term) {
      this.#error(term.problem, at);
      return;
    }
    const key = `${locale}\t${term.script === 'hangul' ? term.text : term.stems.join(' ')}`;
    const seen = this.#terms.get(key);
    if (seen && seen.concept !== concept.name) {
      this.#error(`'${word}' is under concept '${concept.name}' here and under '${seen.concept}' at ${formatPosition(seen.at)}: one word, one concept`, at);
      return;
    }
    if (seen) {
      const same = seen.word.trim() === word.trim() ? 'repeats' : `matches what '${seen.word}' matches (the same stems or letters) at`;
      this.issues.push({ severity: 'warning', message: `'${word}' ${same} ${formatPosition(seen.at)}: one of them is enough`, at });
      return;
    }
    this.#terms.set(key, { concept: concept.name, word, at });
    concept[locale].push(word.trim());
  }

  #error(message: string, at: SourcePosition | { file: string }): void {
    this.issues.push({ severity: 'error', message, at });
  }
}
