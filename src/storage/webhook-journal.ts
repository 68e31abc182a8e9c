/**
 * The webhook journal: append-only files where the embedded setup makes raw webhook bodies durable
 * before the 200. Appending a batch of bodies is one positional `writev` off the event loop; a SQLite
 * insert of the same ~3 KB rows cost ~25 µs each on the event loop, a fifth of a webhook's whole
 * budget. Later, as the first step of processing, the bodies are moved into `webhook_bodies` (see
 * sqlite-webhook-journal.ts) together with the journal position they reached, in one transaction:
 * each body is moved exactly once, across crashes.
 *
 * Durability is that of SQLite in WAL with synchronous = NORMAL (db.ts): a completed write survives a
 * crash of the process (it is in the OS's page cache), not a power loss.
 *
 * Layout: `<dir>/<segment>.journal`, numbered upwards. A record is
 *   magic u32 | payload length u32 | crc32(payload) u32 | payload = receivedAt f64 | id length u8 | id | raw
 * (little-endian). Appends go to one segment; a new one starts when it is full, when the process
 * starts (so nothing is ever appended after a torn tail), and when everything written has been moved
 * and the segment is a few seconds old (bodies can carry opt-in tokens: they do not linger on disk).
 * Segments the moved position has passed are deleted.
 */
import {
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  unlinkSync,
  writeFileSync,
  writev,
} from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { WebhookBodyRow } from './group-commit.ts';

/** A body as the journal keeps it: the group commit's row, unchanged. */
export type JournalRecord = WebhookBodyRow;

/** A place in the journal: the next byte to read in a segment. */
export interface JournalPosition {
  readonly segment: number;
  readonly offset: number;
}

export interface JournalOpenReport {
  /** Records found written but not yet moved (a crash or a stop left them). */
  readonly recovered: number;
  /** Bytes after the last whole record of a segment: a write the crash cut, never acknowledged. */
  readonly tornBytes: number;
}

export interface WebhookJournalOptions {
  /** A segment takes no more appends past this size. Default 8 MiB. */
  readonly maxSegmentBytes?: number;
  /** Once everything in it is moved, a segment this old (ms) is replaced and deleted. Default 5 s. */
  readonly retireAfterMs?: number;
  readonly clock?: () => number;
}

const MAGIC = 0x3157_4a56; // "VJW1"
const HEADER_BYTES = 12;
const SEGMENT_NAME = /^(\d{10})\.journal$/;

const segmentPath = (dir: string, segment: number) =>
  join(dir, `${String(segment).padStart(10, '0')}.journal`);

/** One record's bytes. */
export function encodeRecord(record: JournalRecord): Buffer {
  const idBytes = Buffer.byteLength(record.id, 'latin1');
  if (idBytes > 255) throw new Error(`journal record id longer than 255 bytes: ${record.id.slice(0, 40)}…`);
  const rawBytes = Buffer.byteLength(record.raw, 'utf8');
  const payloadBytes = 9 + idBytes + rawBytes;
  const buffer = Buffer.allocUnsafe(HEADER_BYTES + payloadBytes);
  buffer.writeUInt32LE(MAGIC, 0);
  buffer.writeUInt32LE(payloadBytes, 4);
  buffer.writeDoubleLE(record.receivedAt, 12);
  buffer.writeUInt8(idBytes, 20);
  buffer.write(record.id, 21, 'latin1');
  buffer.write(record.raw, 21 + idBytes, 'utf8');
  buffer.writeUInt32LE(crc32(buffer.subarray(HEADER_BYTES)), 8);
  return buffer;
}

/** The buffer ends inside the record; `bytes` is the whole record's length when known. */
type Unreadable = { readonly kind: 'incomplete'; readonly bytes: number } | { readonly kind: 'invalid' };

type Decoded =
  | { readonly kind: 'record'; readonly record: JournalRecord; readonly bytes: number }
  | Unreadable;

/** Checks the record at `at` (magic, length, checksum) without decoding its text. */
function frameRecord(
  buffer: Buffer,
  at: number,
): { readonly kind: 'whole'; readonly bytes: number } | Unreadable {
  if (buffer.length - at < HEADER_BYTES) return { kind: 'incomplete', bytes: HEADER_BYTES };
  const payloadBytes = buffer.readUInt32LE(at + 4);
  if (buffer.readUInt32LE(at) !== MAGIC || payloadBytes < 9) return { kind: 'invalid' };
  const bytes = HEADER_BYTES + payloadBytes;
  if (buffer.length - at < bytes) return { kind: 'incomplete', bytes };
  const payload = buffer.subarray(at + HEADER_BYTES, at + bytes);
  if (crc32(payload) !== buffer.readUInt32LE(at + 8)) return { kind: 'invalid' };
  if (9 + payload.readUInt8(8) > payloadBytes) return { kind: 'invalid' };
  return { kind: 'whole', bytes };
}

/** The text of a record `frameRecord` found whole. */
function parseRecord(buffer: Buffer, at: number): JournalRecord {
  const idBytes = buffer.readUInt8(at + HEADER_BYTES + 8);
  const idStart = at + HEADER_BYTES + 9;
  return {
    receivedAt: buffer.readDoubleLE(at + HEADER_BYTES),
    id: buffer.toString('latin1', idStart, idStart + idBytes),
    raw: buffer.toString('utf8', idStart + idBytes, at + HEADER_BYTES + buffer.readUInt32LE(at + 4)),
  };
}

/** Reads the record at `at`, checking its magic and checksum. */
export function decodeRecord(buffer: Buffer, at: number): Decoded {
  const framed = frameRecord(buffer, at);
  return framed.kind === 'whole'
    ? { kind: 'record', record: parseRecord(buffer, at), bytes: framed.bytes }
    : framed;
}

/** Walks the whole records from the start of `buffer`, calling `visit` with each one's offset; returns where they end. */
function wholeRecordsEnd(buffer: Buffer, visit: (at: number) => void): number {
  let at = 0;
  for (let framed = frameRecord(buffer, at); framed.kind === 'whole'; framed = frameRecord(buffer, at)) {
    visit(at);
    at += framed.bytes;
  }
  return at;
}

interface Segment {
  readonly number: number;
  readonly fd: number;
  /** Bytes of whole records (everything past it is a torn write or nothing). */
  end: number;
  /** When its first record was appended in this process (for retiring it). */
  firstAppendAt: number | null;
}

// Journals open in this process, by folder: a second runtime on the same database must not append
// to the same files (another process is kept out by the lock file).
const openHere = new Set<string>();

/** The journal in `dir`, recovered from `moved` (where moving stopped, as the checkpoint store says). */
export class WebhookJournal {
  readonly #dir: string;
  readonly #maxSegmentBytes: number;
  readonly #retireAfterMs: number;
  readonly #clock: () => number;
  /** Live segments, oldest first; the last one takes the appends. */
  readonly #segments: Segment[] = [];
  #moved: JournalPosition;
  #backlog = 0;
  #writing: Segment | null = null;
  #closed = false;
  readonly report: JournalOpenReport;

  private constructor(dir: string, moved: JournalPosition, options: WebhookJournalOptions) {
    this.#dir = dir;
    this.#maxSegmentBytes = options.maxSegmentBytes ?? 8 * 1024 * 1024;
    this.#retireAfterMs = options.retireAfterMs ?? 5_000;
    this.#clock = options.clock ?? Date.now;
    this.#moved = moved;
    this.report = this.#recover();
  }

  /** Opens (and recovers) the journal; throws if another live process holds it. */
  static open(dir: string, moved: JournalPosition, options: WebhookJournalOptions = {}): WebhookJournal {
    mkdirSync(dir, { recursive: true });
    if (openHere.has(dir)) throw new Error(`the webhook journal ${dir} is already open in this process`);
    takeLock(dir);
    openHere.add(dir);
    try {
      return new WebhookJournal(dir, moved, options);
    } catch (error) {
      openHere.delete(dir);
      releaseLock(dir);
      throw error;
    }
  }

  /** Records appended (or recovered) and not yet moved. */
  backlog(): number {
    return this.#backlog;
  }

  /** Where moving has reached. */
  moved(): JournalPosition {
    return this.#moved;
  }

  /**
   * Appends records in one write; resolves once the OS has them. One append at a time (the group
   * commit in front of it guarantees it): records land in the order they were given.
   */
  async append(records: readonly JournalRecord[]): Promise<void> {
    if (this.#closed) throw new Error('the webhook journal is closed');
    if (this.#writing !== null) throw new Error('one journal append at a time');
    let segment = this.#current();
    if (segment.end >= this.#maxSegmentBytes) segment = this.#startSegment();
    const buffers = records.map(encodeRecord);
    const bytes = buffers.reduce((n, b) => n + b.length, 0);
    this.#writing = segment;
    try {
      const written = await new Promise<number>((resolve, reject) =>
        writev(segment.fd, buffers, segment.end, (error, n) => (error ? reject(error) : resolve(n))),
      );
      // A short write leaves a torn record past `end`: the next append writes over it.
      if (written !== bytes) throw new Error(`short journal write: ${written} of ${bytes} bytes`);
    } finally {
      this.#writing = null;
    }
    segment.end += bytes;
    segment.firstAppendAt ??= this.#clock();
    this.#backlog += records.length;
  }

  /**
   * The next records to move, from the moved position: at most `limit` records or about `maxBytes`,
   * only from completed writes. `to` is where moving stands once they are stored; it may differ from
   * the current position with no records (a finished segment is stepped over).
   */
  read(limit: number, maxBytes = 4 * 1024 * 1024): { records: JournalRecord[]; to: JournalPosition } {
    const records: JournalRecord[] = [];
    let { segment: number, offset } = this.#moved;
    let bytesRead = 0;
    while (records.length < limit && bytesRead < maxBytes) {
      const index = this.#segments.findIndex((s) => s.number >= number);
      if (index < 0) break;
      const segment = this.#segments[index]!;
      if (segment.number !== number) [number, offset] = [segment.number, 0];
      if (offset >= segment.end) {
        // Step over a finished segment only once it is sealed: not taking appends, none in flight.
        const sealed = index < this.#segments.length - 1 && this.#writing !== segment;
        if (!sealed) break;
        [number, offset] = [this.#segments[index + 1]!.number, 0];
        continue;
      }
      // Sized for the records wanted (bodies are a few KB), not the whole segment.
      const wanted = Math.max(64 * 1024, (limit - records.length) * 4096);
      const chunk = readRange(
        segment.fd,
        offset,
        Math.min(segment.end - offset, maxBytes - bytesRead, wanted),
      );
      let at = 0;
      while (records.length < limit) {
        let decoded = decodeRecord(chunk, at);
        if (decoded.kind === 'incomplete' && at === 0) {
          // A record larger than the chunk: read exactly that record.
          decoded = decodeRecord(readRange(segment.fd, offset, decoded.bytes), 0);
        }
        if (decoded.kind === 'incomplete') break;
        if (decoded.kind === 'invalid') {
          throw new Error(
            `webhook journal ${segmentPath(this.#dir, number)} is damaged at byte ${offset + at} ` +
              'inside what was written: the file was changed by something other than Ventana',
          );
        }
        records.push(decoded.record);
        at += decoded.bytes;
        bytesRead += decoded.bytes;
      }
      offset += at;
      if (at === 0) break;
    }
    return { records, to: { segment: number, offset } };
  }

  /** Moving reached `to`, `count` records later (committed by the caller): segments passed go. */
  advance(to: JournalPosition, count: number): void {
    this.#moved = to;
    this.#backlog = Math.max(0, this.#backlog - count);
    while (this.#segments.length > 1 && this.#segments[0]!.number < to.segment) {
      const passed = this.#segments.shift()!;
      closeSync(passed.fd);
      unlinkSync(segmentPath(this.#dir, passed.number));
    }
  }

  /**
   * Starts a fresh segment when everything written has been moved and the current one is full or
   * old enough; the caller then moves (with no records) to step over and delete the old one.
   * Returns whether it did.
   */
  retireIfDone(): boolean {
    const segment = this.#current();
    const done =
      this.#writing === null && this.#moved.segment === segment.number && this.#moved.offset >= segment.end;
    if (!done || segment.end === 0) return false;
    const old =
      segment.firstAppendAt !== null && this.#clock() - segment.firstAppendAt >= this.#retireAfterMs;
    if (!old && segment.end < this.#maxSegmentBytes) return false;
    this.#startSegment();
    return true;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const segment of this.#segments.splice(0)) closeSync(segment.fd);
    openHere.delete(this.#dir);
    releaseLock(this.#dir);
  }

  #current(): Segment {
    return this.#segments[this.#segments.length - 1]!;
  }

  #startSegment(): Segment {
    const last = this.#segments[this.#segments.length - 1];
    const number = Math.max(last?.number ?? 0, this.#moved.segment) + 1;
    // 'wx': a segment number is never reused, so a leftover file of that name is a bug, not data to join.
    const fd = openSync(segmentPath(this.#dir, number), 'wx+');
    const segment: Segment = { number, fd, end: 0, firstAppendAt: null };
    this.#segments.push(segment);
    return segment;
  }

  /** Deletes what was moved, finds where each remaining segment's whole records end, counts them. */
  #recover(): JournalOpenReport {
    const numbers = readdirSync(this.#dir)
      .map((name) => SEGMENT_NAME.exec(name)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
    let recovered = 0;
    let tornBytes = 0;
    for (const number of numbers) {
      const path = segmentPath(this.#dir, number);
      if (number < this.#moved.segment) {
        unlinkSync(path);
        continue;
      }
      const fd = openSync(path, 'r');
      const size = fstatSync(fd).size;
      const start = number === this.#moved.segment ? Math.min(this.#moved.offset, size) : 0;
      // Counted, not decoded: a large backlog's text would only be thrown away here.
      const buffer = readRange(fd, start, size - start);
      const at = wholeRecordsEnd(buffer, () => recovered++);
      tornBytes += buffer.length - at;
      this.#segments.push({ number, fd, end: start + at, firstAppendAt: null });
    }
    this.#backlog = recovered;
    // Appends always start a new segment: nothing is written after a torn tail, or over moved bytes.
    this.#startSegment();
    return { recovered, tornBytes };
  }
}

function readRange(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.allocUnsafe(Math.max(0, length));
  let filled = 0;
  while (filled < buffer.length) {
    const n = readSync(fd, buffer, filled, buffer.length - filled, position + filled);
    if (n === 0) break;
    filled += n;
  }
  return filled === buffer.length ? buffer : buffer.subarray(0, filled);
}

// The lock file names the process holding the journal; one left by a dead process is taken over.
const lockPath = (dir: string) => join(dir, 'lock');

function takeLock(dir: string): void {
  const path = lockPath(dir);
  let holder: number | null = null;
  try {
    holder = Number.parseInt(readFileSync(path, 'utf8'), 10);
  } catch {
    // No lock file: free.
  }
  if (holder !== null && Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) {
    throw new Error(
      `the webhook journal ${dir} is in use by process ${holder}: is another Ventana running on this database? / ` +
        `el diario de webhooks ${dir} lo usa el proceso ${holder}: ¿hay otro Ventana con esta base de datos?`,
    );
  }
  writeFileSync(path, String(process.pid));
}

function releaseLock(dir: string): void {
  try {
    if (readFileSync(lockPath(dir), 'utf8') === String(process.pid)) unlinkSync(lockPath(dir));
  } catch {
    // Already gone.
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Every whole record in the journal folder, oldest first, moved or not, without taking the lock:
 * for inspection and tests (a reader beside the running process).
 */
export function readJournalRecords(dir: string): JournalRecord[] {
  const records: JournalRecord[] = [];
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => SEGMENT_NAME.test(name));
  } catch {
    return records;
  }
  for (const name of names.sort()) {
    const buffer = readFileSync(join(dir, name));
    wholeRecordsEnd(buffer, (at) => records.push(parseRecord(buffer, at)));
  }
  return records;
}
