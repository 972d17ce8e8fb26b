// A parsed YAML document's plain value, or why it has none. The yaml package reports syntax errors
// in `doc.errors` but throws from toJS() on an alias it cannot resolve (`*nme` for `&name`, or an
// alias before its anchor) and on an alias count that looks like a resource-exhaustion attack
// ("billion laughs"). Loaders that promise file:line:column for every problem call this instead
// of toJS() and report the alias to blame.
import { type Document, visit } from 'yaml';

/** Aliases a document may expand before it is refused (the yaml package's own default). */
export const MAX_ALIAS_COUNT = 100;

export type YamlData = { ok: true; value: unknown } | { ok: false; message: string; offset: number };

export function yamlData(doc: Document): YamlData {
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (err) {
    // toJS() throws ReferenceError for the alias problems; anything else is a bug to surface.
    if (!(err instanceof ReferenceError)) throw err;
    return { ok: false, message: err.message, offset: blamedAlias(doc) };
  }
}

/** Where the first unresolvable alias starts, else the first alias (an expansion too large), else 0. */
function blamedAlias(doc: Document): number {
  let first: number | null = null;
  let unresolved: number | null = null;
  visit(doc, {
    Alias(_key, node) {
      const start = node.range?.[0] ?? 0;
      first ??= start;
      if (node.resolve(doc) === undefined) {
        unresolved = start;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return unresolved ?? first ?? 0;
}
