/**
 * Text normalisation for the classifier. Every normalised character remembers which span of the
 * original string it came from, so a signal found in the normalised text can be reported with the
 * exact original wording (for highlighting in a UI).
 */

/** A normalised string plus, for each of its characters, the original span `[start[i], end[i])`. */
export interface MappedText {
  readonly text: string;
  readonly start: ArrayLike<number>;
  readonly end: ArrayLike<number>;
}

/** Characters kept as themselves besides letters and digits: they carry prices and percentages. */
const KEPT_SYMBOLS = new Set(['%', '$', '€', '£']);

/** Folded form of one non-ASCII code point, cached: NFKD also undoes fullwidth and "math bold" letters. */
const foldCache = new Map<string, string>();
const COMBINING_MARK = /\p{M}/gu;
const LETTER_OR_DIGIT = /^[\p{L}\p{N}]+$/u;

function foldNonAscii(ch: string): string {
  const cached = foldCache.get(ch);
  if (cached !== undefined) return cached;
  let folded = ch.normalize('NFKD').replace(COMBINING_MARK, '').toLowerCase();
  if (KEPT_SYMBOLS.has(folded)) {
    // keep € and £
  } else if (folded === '' || !LETTER_OR_DIGIT.test(folded)) {
    // Emoji, punctuation, symbols: a word separator.
    folded = ' ';
  }
  if (foldCache.size < 10_000) foldCache.set(ch, folded);
  return folded;
}

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * Normalise with an index map. Lowercase, accents stripped (NFKD, marks removed), emoji and
 * punctuation folded to spaces, whitespace collapsed. Kept: letters, digits, `% $ € £`, `.`/`,`
 * between digits (prices), `-` right before a number that does not follow a digit ("-30%").
 * Characters inside `mask` spans (URLs) become spaces.
 * The returned maps are views of scratch buffers reused by the next call: read them before
 * normalising another string (the classifier scans one piece at a time), never keep them.
 */
// Scratch buffers reused across calls (the classifier is synchronous, so no call overlaps another).
let scratchCodes = new Uint16Array(1024);
let scratchStart = new Int32Array(1024);
let scratchEnd = new Int32Array(1024);

function ensureScratch(size: number): void {
  if (scratchCodes.length >= size) return;
  const cap = Math.max(size, scratchCodes.length * 2);
  scratchCodes = new Uint16Array(cap);
  scratchStart = new Int32Array(cap);
  scratchEnd = new Int32Array(cap);
}

export function normalizeMapped(s: string, mask: readonly (readonly [number, number])[] = []): MappedText {
  const n = s.length;
  // NFKD expansions are rare and short ("ﬁ" → "fi"); 4 output chars per input char is a safe bound.
  ensureScratch(n * 4 + 8);
  const codes = scratchCodes;
  const start = scratchStart;
  const end = scratchEnd;
  let len = 0;
  let last = 32; // previous output char code; 32 drops leading and repeated spaces
  let maskIdx = 0;
  let i = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    let width = 1;
    let out = c;
    if (mask.length > 0) {
      while (maskIdx < mask.length && mask[maskIdx]![1] <= i) maskIdx++;
    }
    if (maskIdx < mask.length && mask[maskIdx]![0] <= i) {
      out = 32;
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) width = 2;
    } else if (c < 128) {
      if (c >= 65 && c <= 90) out = c + 32;
      else if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 37 || c === 36) out = c;
      else if (c === 46 || c === 44) {
        // . , only inside a number: 9,99 / 3.450
        out = isDigitCode(last) && i + 1 < n && isDigitCode(s.charCodeAt(i + 1)) ? c : 32;
      } else if (c === 45) {
        // "-30%": a minus right before a number that does not follow a digit ("5-7 días" stays two numbers)
        out = last === 32 && i + 1 < n && isDigitCode(s.charCodeAt(i + 1)) ? c : 32;
      } else out = 32;
    } else {
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
        const lo = s.charCodeAt(i + 1);
        if (lo >= 0xdc00 && lo <= 0xdfff) width = 2;
      }
      const folded = foldNonAscii(width === 2 ? s.slice(i, i + 2) : s[i]!);
      for (let k = 0; k < folded.length; k++) {
        const code = folded.charCodeAt(k);
        if (code === 32 && last === 32) continue;
        codes[len] = code;
        start[len] = i;
        end[len] = i + width;
        len++;
        last = code;
      }
      i += width;
      continue;
    }
    if (!(out === 32 && last === 32)) {
      codes[len] = out;
      start[len] = i;
      end[len] = i + width;
      len++;
      last = out;
    }
    i += width;
  }
  if (len > 0 && last === 32) len--;
  let text = '';
  for (let k = 0; k < len; k += 4096) {
    text += String.fromCharCode.apply(
      null,
      codes.subarray(k, Math.min(len, k + 4096)) as unknown as number[],
    );
  }
  return { text, start: start.subarray(0, len), end: end.subarray(0, len) };
}

/**
 * Normalise text for matching: lowercase, diacritics removed (NFKD + combining marks dropped),
 * emoji and punctuation folded to single spaces, whitespace collapsed and trimmed.
 * @example normalizeText('¡Envío  GRATIS! 🚚') === 'envio gratis'
 */
export function normalizeText(s: string): string {
  return normalizeMapped(s).text;
}

/** Leetspeak digits (and `$`) that stand for letters inside words. */
const LEET: Readonly<Record<string, string>> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  $: 's',
};
const TOKEN = /[a-z0-9$]+/g;
const LEET_CHAR = /[013457$]/;
/** Cheap pre-check: a leet character touching a letter. */
const LEET_IN_WORD = /[a-z][013457$]|[013457$][a-z]/;
const SPACED_RUN = /(?:^| )[a-z](?: [a-z]){3}(?: |$)/;

function countLetters(token: string): number {
  let letters = 0;
  for (let k = 0; k < token.length; k++) {
    const c = token.charCodeAt(k);
    if (c >= 97 && c <= 122) letters++;
  }
  return letters;
}

/**
 * A second, de-obfuscated copy of a normalised text, or `undefined` when it would be identical:
 * leetspeak digits inside words become letters ("d3scuento" → "descuento", "0ff" → "off"; a token
 * needs two letters so "2x1" or "4g" stay), and runs of four or more single letters are joined
 * ("d e s c u e n t o" → "descuento").
 */
export function deobfuscate(m: MappedText): MappedText | undefined {
  const src = m.text;
  // Pass 1: leetspeak, same length, so the maps are unchanged.
  let leet = src;
  TOKEN.lastIndex = 0;
  let changed = false;
  if (LEET_IN_WORD.test(src)) {
    const chars = src.split('');
    for (let t = TOKEN.exec(src); t !== null; t = TOKEN.exec(src)) {
      const tok = t[0];
      if (!LEET_CHAR.test(tok) || countLetters(tok) < 2) continue;
      for (let k = 0; k < tok.length; k++) {
        const rep = LEET[tok[k]!];
        if (rep !== undefined) {
          chars[t.index + k] = rep;
          changed = true;
        }
      }
    }
    if (changed) leet = chars.join('');
  }
  // Pass 2: join letter-spaced runs ("s c o n t o").
  if (!SPACED_RUN.test(leet)) return changed ? { text: leet, start: m.start, end: m.end } : undefined;
  const words = leet.split(' ');
  let singles = 0;
  let run = 0;
  for (const w of words) {
    if (w.length === 1 && w >= 'a' && w <= 'z') {
      run++;
      if (run >= 4) singles = run;
    } else run = 0;
  }
  if (singles === 0) return changed ? { text: leet, start: m.start, end: m.end } : undefined;
  let text = '';
  const start: number[] = [];
  const end: number[] = [];
  let pos = 0;
  let w = 0;
  while (w < words.length) {
    let r = w;
    while (r < words.length && words[r]!.length === 1 && words[r]! >= 'a' && words[r]! <= 'z') r++;
    const isRun = r - w >= 4;
    const last = isRun ? r : w + 1;
    for (let k = w; k < last; k++) {
      const word = words[k]!;
      for (let j = 0; j < word.length; j++) {
        text += word[j];
        start.push(m.start[pos + j]!);
        end.push(m.end[pos + j]!);
      }
      pos += word.length;
      const sepNeeded = k < words.length - 1;
      if (sepNeeded) {
        if (!isRun || k === last - 1) {
          text += ' ';
          start.push(m.start[pos]!);
          end.push(m.end[pos]!);
        }
        pos += 1;
      }
    }
    w = last;
  }
  return { text, start, end };
}
