// Generated YAML-ish text for the loaders: free text, text made of YAML's own punctuation (so
// that anchors, aliases, tags, flow collections and block scalars come up often), and mutations
// of a real file (a line dropped, doubled, re-indented, a token spliced in, the file cut short).
import fc from 'fast-check';

const TOKENS = [
  'a:', 'b:', 'intent:', 'flow:', 'intents:', 'steps:', 'slots:', 'utterances:', 'ko:', 'en:', '- ', '  ', '    ', '\n', '\n  ', '\n- ',
  ': ', ',', '[', ']', '{', '}', '"', "'", '|', '>', '#', '? ', '&x ', '*x', '&y ', '*y', '*nowhere', '<<: *x', '!!str ', '!!int ', '!!binary ',
  '!!map ', '!custom ', '%YAML 1.2\n', '---\n', '...\n', 'null', '~', 'true', '12', '0x1F', '.inf', '안녕하세요', '\t', '\r\n', '\\', '\u0000', '\ufeff',
];

/** Text from YAML's own pieces, often almost valid. */
export const yamlish: fc.Arbitrary<string> = fc.array(fc.constantFrom(...TOKENS), { maxLength: 40 }).map((parts) => parts.join(''));

/** Any text, YAML-ish or not. */
export const anyText: fc.Arbitrary<string> = fc.oneof(yamlish, fc.string({ unit: 'grapheme', maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 100 }));

export type Mutation = (text: string) => string;

/** One change to a real file; applied to files that are valid, it often leaves them valid. */
export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.nat().map((n): Mutation => (text) => {
    const lines = text.split('\n');
    lines.splice(n % lines.length, 1);
    return lines.join('\n');
  }),
  fc.nat().map((n): Mutation => (text) => {
    const lines = text.split('\n');
    const i = n % lines.length;
    lines.splice(i, 0, lines[i]!);
    return lines.join('\n');
  }),
  fc.record({ n: fc.nat(), indent: fc.integer({ min: -4, max: 4 }) }).map(({ n, indent }): Mutation => (text) => {
    const lines = text.split('\n');
    const i = n % lines.length;
    lines[i] = indent >= 0 ? `${' '.repeat(indent)}${lines[i]}` : lines[i]!.slice(-indent);
    return lines.join('\n');
  }),
  fc.record({ n: fc.nat(), token: fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 5 })) }).map(({ n, token }): Mutation => (text) => {
    const at = n % (text.length + 1);
    return `${text.slice(0, at)}${token}${text.slice(at)}`;
  }),
  fc.nat().map((n): Mutation => (text) => text.slice(0, n % (text.length + 1))),
);

/**
 * Is every reported position inside the text? Lines are 1-based and at most one past the last
 * line break; columns 1-based and at most one past the end of their line.
 */
export function insideText(text: string, line: number, column: number): boolean {
  const lines = text.split('\n');
  if (!Number.isInteger(line) || !Number.isInteger(column) || line < 1 || column < 1 || line > lines.length) return false;
  return column <= lines[line - 1]!.length + 1;
}
