// Deterministic JSON for hashing: object keys sorted, depth bounded so hostile nesting cannot blow
// the stack (JSON.parse happily builds 100k-deep arrays).

const MAX_DEPTH = 32;

/**
 * Serialises a JSON value with object keys in sorted order, so two equal values always give the
 * same string. Values nested deeper than 32 levels are replaced by `"…"`; non-JSON values
 * (undefined, functions, symbols, bigints) by `null`. Never throws on JSON.parse output.
 */
export function stableStringify(value: unknown): string {
  return write(value, 0);
}

function write(value: unknown, depth: number): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (depth >= MAX_DEPTH) return '"…"';
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + write(value[i], depth + 1);
        return out + ']';
      }
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record);
      if (!isSorted(keys)) keys.sort();
      let out = '{';
      let first = true;
      for (const key of keys) {
        const item = record[key];
        if (item === undefined) continue;
        out += (first ? '' : ',') + JSON.stringify(key) + ':' + write(item, depth + 1);
        first = false;
      }
      return out + '}';
    }
    default:
      return 'null';
  }
}

// Most payload objects are small and often already in order; skipping the sort then is cheaper.
function isSorted(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if ((keys[i - 1] as string) > (keys[i] as string)) return false;
  return true;
}
