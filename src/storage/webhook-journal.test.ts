import { spawn } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  decodeRecord,
  encodeRecord,
  type JournalRecord,
  readJournalRecords,
  WebhookJournal,
} from './webhook-journal.ts';

const dirs: string[] = [];
const journals: WebhookJournal[] = [];
afterEach(() => {
  for (const journal of journals.splice(0)) journal.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function newDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ventana-journal-'));
  dirs.push(dir);
  return dir;
}

function open(dir: string, moved = { segment: 0, offset: 0 }, options = {}): WebhookJournal {
  const journal = WebhookJournal.open(dir, moved, options);
  journals.push(journal);
  return journal;
}

function closeJournal(journal: WebhookJournal): void {
  journal.close();
  journals.splice(journals.indexOf(journal), 1);
}

const record = (n: number, raw = `{"object":"page","n":${n}}`): JournalRecord => ({
  id: `01J${String(n).padStart(23, '0')}`,
  receivedAt: 1_764_000_000_000 + n,
  raw,
});

const segmentFiles = (dir: string) => readdirSync(dir).filter((name) => name.endsWith('.journal'));

describe('journal records', () => {
  it('decode to what was encoded, with any UTF-8 text', () => {
    const original = record(1, '{"text":"¿Qué tal? ñandú 🙂"}');
    const decoded = decodeRecord(encodeRecord(original), 0);
    expect(decoded).toEqual({ kind: 'record', record: original, bytes: encodeRecord(original).length });
  });

  it('are incomplete when cut short and invalid when a byte changed or the magic is wrong', () => {
    const bytes = encodeRecord(record(2));
    expect(decodeRecord(bytes.subarray(0, 5), 0)).toEqual({ kind: 'incomplete', bytes: 12 });
    expect(decodeRecord(bytes.subarray(0, bytes.length - 1), 0)).toEqual({
      kind: 'incomplete',
      bytes: bytes.length,
    });
    const flipped = Buffer.from(bytes);
    flipped[bytes.length - 3]! ^= 0x01;
    expect(decodeRecord(flipped, 0)).toEqual({ kind: 'invalid' });
    const noMagic = Buffer.from(bytes);
    noMagic[0] = 0;
    expect(decodeRecord(noMagic, 0)).toEqual({ kind: 'invalid' });
  });
});

describe('the webhook journal', () => {
  it('gives back appended records in order, a limited number at a time, and counts what is left', async () => {
    const journal = open(newDir());
    await journal.append([record(1), record(2)]);
    await journal.append([record(3)]);
    expect(journal.backlog()).toBe(3);

    const first = journal.read(2);
    expect(first.records).toEqual([record(1), record(2)]);
    journal.advance(first.to, first.records.length);
    expect(journal.backlog()).toBe(1);
    const second = journal.read(10);
    expect(second.records).toEqual([record(3)]);
    journal.advance(second.to, 1);
    expect(journal.read(10).records).toEqual([]);
    expect(journal.backlog()).toBe(0);
  });

  it('does not give back records whose write has not completed', async () => {
    const journal = open(newDir());
    const writing = journal.append([record(1)]);
    expect(journal.read(10).records).toEqual([]);
    await writing;
    expect(journal.read(10).records).toEqual([record(1)]);
  });

  it('recovers, after a stop, the records not yet moved and only those', async () => {
    const dir = newDir();
    const first = open(dir);
    await first.append([record(1), record(2), record(3)]);
    const one = first.read(1);
    closeJournal(first);

    const again = open(dir, one.to);
    expect(again.report).toEqual({ recovered: 2, tornBytes: 0 });
    expect(again.read(10).records).toEqual([record(2), record(3)]);
  });

  it('drops a write the crash cut in half, and appends after it in a new segment', async () => {
    const dir = newDir();
    const first = open(dir);
    await first.append([record(1), record(2)]);
    closeJournal(first);
    const [segment] = segmentFiles(dir);
    const torn = encodeRecord(record(3)).subarray(0, 30);
    appendFileSync(join(dir, segment!), torn);

    const again = open(dir);
    expect(again.report).toEqual({ recovered: 2, tornBytes: 30 });
    await again.append([record(4)]);
    expect(segmentFiles(dir)).toHaveLength(2);
    const { records, to } = again.read(10);
    expect(records).toEqual([record(1), record(2), record(4)]);
    // Moving past the first segment deletes it, torn bytes and all.
    again.advance(to, records.length);
    expect(segmentFiles(dir)).toHaveLength(1);
  });

  it('starts new segments when one is full, reads across them and deletes the ones moved past', async () => {
    const dir = newDir();
    const size = encodeRecord(record(1)).length;
    const journal = open(dir, undefined, { maxSegmentBytes: size * 2 });
    for (let n = 1; n <= 5; n++) await journal.append([record(n)]);
    expect(segmentFiles(dir)).toHaveLength(3); // 2 + 2 + 1 records
    const part = journal.read(3);
    expect(part.records).toEqual([record(1), record(2), record(3)]);
    journal.advance(part.to, 3);
    expect(segmentFiles(dir)).toHaveLength(2);
    const rest = journal.read(10);
    expect(rest.records).toEqual([record(4), record(5)]);
    expect(readJournalRecords(dir)).toEqual([record(3), record(4), record(5)]);
  });

  it('replaces an old segment once everything in it is moved, so bodies do not linger on disk', async () => {
    const dir = newDir();
    let now = 1_000;
    const journal = open(dir, undefined, { retireAfterMs: 5_000, clock: () => now });
    await journal.append([record(1)]);
    const all = journal.read(10);
    expect(journal.retireIfDone()).toBe(false); // not moved yet
    journal.advance(all.to, 1);
    expect(journal.retireIfDone()).toBe(false); // moved, but young
    now += 5_000;
    expect(journal.retireIfDone()).toBe(true);
    const step = journal.read(10);
    expect(step.records).toEqual([]);
    journal.advance(step.to, 0);
    expect(readJournalRecords(dir)).toEqual([]);
    expect(segmentFiles(dir)).toHaveLength(1);
  });

  it('refuses to read bytes that changed after they were written', async () => {
    const dir = newDir();
    const journal = open(dir);
    await journal.append([record(1)]);
    const [segment] = segmentFiles(dir);
    const bytes = readFileSync(join(dir, segment!));
    bytes[bytes.length - 2]! ^= 0x20;
    writeFileSync(join(dir, segment!), bytes);
    expect(() => journal.read(10)).toThrow(/damaged at byte 0/);
  });

  it('is held by one journal at a time: in this process, or by another live process', async () => {
    const dir = newDir();
    const journal = open(dir);
    expect(() => WebhookJournal.open(dir, { segment: 0, offset: 0 })).toThrow(/already open in this process/);
    closeJournal(journal);
    expect(existsSync(join(dir, 'lock'))).toBe(false);

    const other = spawn('sleep', ['30']);
    try {
      writeFileSync(join(dir, 'lock'), String(other.pid));
      expect(() => WebhookJournal.open(dir, { segment: 0, offset: 0 })).toThrow(
        new RegExp(`in use by process ${other.pid}.*lo usa el proceso ${other.pid}`),
      );
    } finally {
      other.kill('SIGKILL');
      await new Promise((r) => other.once('exit', r));
    }
    // The same lock, left by a process that is gone, is taken over.
    const taken = open(dir);
    expect(readFileSync(join(dir, 'lock'), 'utf8')).toBe(String(process.pid));
    expect(taken.backlog()).toBe(0);
  });
});
