/**
 * Trigger matching (pure and fast): the published flows of a workspace are compiled once into maps
 * (payloads, refs, folded exact keywords) and short lists (contains, regex), then each inbound action
 * is matched with a few lookups. Keywords ignore accents, case and punctuation: "envío" matches "ENVIO!".
 *
 * When several flows match, the most specific trigger wins (ref, then payloads, exact keywords,
 * "contains", regex, opt-in, default reply), then the flow's priority, then the older flow.
 */
import { DEFAULT_GET_STARTED_PAYLOAD, type FlowTrigger, type KeywordMatch } from './document.ts';

const MARKS = /\p{M}+/gu;
const NOT_WORD = /[^\p{L}\p{N}]+/gu;

/** Lowercase, accents removed, punctuation and emoji as spaces, spaces collapsed. */
export function foldText(text: string): string {
  return text.normalize('NFKD').replace(MARKS, '').toLowerCase().replace(NOT_WORD, ' ').trim();
}

export type CompiledKeyword =
  | { readonly ok: true; readonly test: (text: string, folded: string) => boolean }
  | { readonly ok: false; readonly detail: string };

/** One keyword trigger as a predicate over (original text, folded text). */
export function compileKeyword(t: { readonly match: KeywordMatch; readonly value: string }): CompiledKeyword {
  switch (t.match) {
    case 'exact': {
      const want = foldText(t.value);
      return { ok: true, test: (_text, folded) => folded === want };
    }
    case 'contains': {
      const want = foldText(t.value);
      return { ok: true, test: (_text, folded) => want !== '' && folded.includes(want) };
    }
    case 'regex': {
      try {
        // Tried on the original text and on its folded form, so `env[ií]o` and `envio` both work.
        const re = new RegExp(t.value, 'iu');
        return { ok: true, test: (text, folded) => re.test(text) || re.test(folded) };
      } catch (error) {
        return { ok: false, detail: error instanceof Error ? error.message : String(error) };
      }
    }
    default: {
      const never: never = t.match;
      throw new Error(`unknown keyword match ${String(never)}`);
    }
  }
}

/** A published flow as trigger matching sees it. */
export interface PublishedFlowTriggers {
  readonly flowId: string;
  readonly version: number;
  readonly priority: number;
  readonly triggers: readonly FlowTrigger[];
}

/** What a person did, as far as triggers care. */
export type TriggerInput =
  | {
      readonly kind: 'message';
      readonly text: string | null;
      readonly quickReplyPayload: string | null;
      readonly ref: string | null;
    }
  | { readonly kind: 'postback'; readonly payload: string | null; readonly ref: string | null }
  | { readonly kind: 'referral'; readonly ref: string | null }
  | { readonly kind: 'optin'; readonly payload: string | null; readonly ref: string | null };

export interface TriggerMatch {
  readonly flowId: string;
  readonly version: number;
  readonly priority: number;
  /** e.g. `keyword:envío`, `ref:qr_tienda`, `postback:MENU`, `default`. */
  readonly trigger: string;
  /** Lower is more specific. */
  readonly rank: number;
  /** Whether the match is the default reply (which never interrupts a waiting question). */
  readonly isDefault: boolean;
}

interface Entry extends TriggerMatch {
  readonly order: number;
}

export interface CompiledTriggers {
  /** The best match, or null. */
  match(input: TriggerInput): TriggerMatch | null;
  readonly size: number;
}

const RANK = { ref: 0, payload: 1, exact: 2, contains: 3, regex: 4, optin: 5, default: 6 } as const;

function better(a: Entry | null, b: Entry): Entry {
  if (a === null) return b;
  if (b.rank !== a.rank) return b.rank < a.rank ? b : a;
  if (b.priority !== a.priority) return b.priority > a.priority ? b : a;
  return b.order < a.order ? b : a;
}

function push<K>(map: Map<K, Entry[]>, key: K, entry: Entry): void {
  const list = map.get(key);
  if (list) list.push(entry);
  else map.set(key, [entry]);
}

/** Compiles the triggers of published flows (listed oldest first: the tie-breaker). */
export function compileTriggers(flows: readonly PublishedFlowTriggers[]): CompiledTriggers {
  const refs = new Map<string, Entry[]>();
  const postbacks = new Map<string, Entry[]>();
  const quickReplies = new Map<string, Entry[]>();
  const optinPayloads = new Map<string, Entry[]>();
  const exact = new Map<string, Entry[]>();
  const scanned: { entry: Entry; test: (text: string, folded: string) => boolean }[] = [];
  const optins: Entry[] = [];
  const defaults: Entry[] = [];
  let size = 0;
  flows.forEach((f, order) => {
    const entry = (trigger: string, rank: number): Entry => ({
      flowId: f.flowId,
      version: f.version,
      priority: f.priority,
      trigger,
      rank,
      isDefault: rank === RANK.default,
      order,
    });
    for (const t of f.triggers) {
      size++;
      switch (t.type) {
        case 'ref':
          push(refs, t.value, entry(`ref:${t.value}`, RANK.ref));
          break;
        case 'postback':
          push(postbacks, t.payload, entry(`postback:${t.payload}`, RANK.payload));
          break;
        case 'get_started': {
          const p = t.payload ?? DEFAULT_GET_STARTED_PAYLOAD;
          push(postbacks, p, entry(`get_started:${p}`, RANK.payload));
          break;
        }
        case 'ice_breaker':
          // Ice breakers arrive as postbacks (or, on some clients, as quick-reply-like messages).
          push(postbacks, t.payload, entry(`ice_breaker:${t.payload}`, RANK.payload));
          push(quickReplies, t.payload, entry(`ice_breaker:${t.payload}`, RANK.payload));
          break;
        case 'quick_reply':
          push(quickReplies, t.payload, entry(`quick_reply:${t.payload}`, RANK.payload));
          break;
        case 'keyword': {
          const compiled = compileKeyword(t);
          if (!compiled.ok) break;
          const name = `keyword:${t.value}`;
          if (t.match === 'exact') push(exact, foldText(t.value), entry(name, RANK.exact));
          else
            scanned.push({
              entry: entry(name, t.match === 'contains' ? RANK.contains : RANK.regex),
              test: compiled.test,
            });
          break;
        }
        case 'optin':
          if (t.payload !== undefined)
            push(optinPayloads, t.payload, entry(`optin:${t.payload}`, RANK.payload));
          else optins.push(entry('optin', RANK.optin));
          break;
        case 'default':
          defaults.push(entry('default', RANK.default));
          break;
        default: {
          const never: never = t;
          throw new Error(`unknown trigger ${JSON.stringify(never)}`);
        }
      }
    }
  });

  const pick = (best: Entry | null, list: readonly Entry[] | undefined): Entry | null => {
    let out = best;
    if (list) for (const e of list) out = better(out, e);
    return out;
  };

  return {
    size,
    match(input) {
      let best: Entry | null = null;
      if (input.ref !== null) best = pick(best, refs.get(input.ref));
      if (best !== null) return strip(best);
      switch (input.kind) {
        case 'postback':
          if (input.payload !== null) best = pick(best, postbacks.get(input.payload));
          break;
        case 'optin':
          if (input.payload !== null) best = pick(best, optinPayloads.get(input.payload));
          if (best === null) best = pick(best, optins);
          break;
        case 'message': {
          if (input.quickReplyPayload !== null) best = pick(best, quickReplies.get(input.quickReplyPayload));
          if (best !== null || input.text === null || input.text.trim() === '') break;
          const folded = foldText(input.text);
          best = pick(best, exact.get(folded));
          if (best !== null) break;
          for (const s of scanned)
            if ((best === null || s.entry.rank <= best.rank) && s.test(input.text, folded))
              best = better(best, s.entry);
          if (best === null) best = pick(best, defaults);
          break;
        }
        case 'referral':
          break;
        default: {
          const never: never = input;
          throw new Error(`unknown trigger input ${JSON.stringify(never)}`);
        }
      }
      return best === null ? null : strip(best);
    },
  };
}

function strip(e: Entry): TriggerMatch {
  return {
    flowId: e.flowId,
    version: e.version,
    priority: e.priority,
    trigger: e.trigger,
    rank: e.rank,
    isDefault: e.isDefault,
  };
}
