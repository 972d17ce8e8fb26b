// Plain JSON copies of values the runtime keeps in the conversation state: a shop's answers and the
// state itself. The same result as a round trip through JSON.stringify and JSON.parse (undefined
// properties dropped, undefined in arrays and non-finite numbers become null, objects with their
// own toJSON such as dates serialised by it), walked by hand for plain data, which is all a turn
// normally sees, at a fraction of the round trip's cost.
import type { Json } from './template.ts';

/** `value` as JSON would carry it (null for a value JSON cannot carry at all, such as undefined). */
export function toJson(value: unknown): Json {
  return copy(value) ?? null;
}

function copy(value: unknown): Json | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value + 0 : null; // + 0: -0 becomes 0, as JSON writes it
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) return value.map((item: unknown) => copy(item) ?? null);
      const prototype: unknown = Object.getPrototypeOf(value);
      if ((prototype !== Object.prototype && prototype !== null) || 'toJSON' in value) return viaJson(value);
      const out: { [key: string]: Json } = {};
      for (const [key, item] of Object.entries(value)) {
        const copied = copy(item);
        if (copied === undefined) continue;
        // An own "__proto__" property, as JSON.parse makes, not a new prototype.
        if (key === '__proto__') Object.defineProperty(out, key, { value: copied, enumerable: true, writable: true, configurable: true });
        else out[key] = copied;
      }
      return out;
    }
    case 'bigint':
      return viaJson(value); // throws, as JSON.stringify does
    default:
      return undefined; // undefined, functions and symbols are left out, as JSON.stringify leaves them
  }
}

function viaJson(value: unknown): Json | undefined {
  const text = JSON.stringify(value);
  return text === undefined ? undefined : (JSON.parse(text) as Json);
}
