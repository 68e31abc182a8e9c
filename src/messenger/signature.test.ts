import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signBody, verifySignature } from './signature.ts';

const SECRET = 'app-secret-1234';
const BODY = Buffer.from(
  '{"object":"page","entry":[{"id":"1234","time":1458692752478,"messaging":[{"sender":{"id":"99"},"recipient":{"id":"1234"},"timestamp":1458692752478,"message":{"mid":"m_1","text":"hola \\u00f1"}}]}]}',
);
const HEX = createHmac('sha256', SECRET).update(BODY).digest('hex');

describe('signBody', () => {
  it('returns sha256= followed by the lowercase hex HMAC of the raw bytes', () => {
    expect(signBody(BODY, SECRET)).toBe(`sha256=${HEX}`);
    expect(signBody(BODY.toString('utf8'), SECRET)).toBe(`sha256=${HEX}`);
  });
});

describe('verifySignature', () => {
  const cases: ReadonlyArray<{
    name: string;
    headers: Parameters<typeof verifySignature>[1];
    body?: Buffer;
    expected: ReturnType<typeof verifySignature>;
  }> = [
    {
      name: 'accepts a correct lowercase signature',
      headers: { 'x-hub-signature-256': `sha256=${HEX}` },
      expected: { ok: true },
    },
    {
      name: 'accepts a correct uppercase hex signature',
      headers: { 'x-hub-signature-256': `sha256=${HEX.toUpperCase()}` },
      expected: { ok: true },
    },
    {
      name: 'accepts a correct signature given as a one-element array',
      headers: { 'x-hub-signature-256': [`sha256=${HEX}`] },
      expected: { ok: true },
    },
    {
      name: 'accepts the sha256 header even when a legacy sha1 header is also present',
      headers: { 'x-hub-signature-256': `sha256=${HEX}`, 'x-hub-signature': 'sha1=abc' },
      expected: { ok: true },
    },
    { name: 'reports a missing signature', headers: {}, expected: { ok: false, code: 'signature_missing' } },
    {
      name: 'treats an empty header as missing',
      headers: { 'x-hub-signature-256': '' },
      expected: { ok: false, code: 'signature_missing' },
    },
    {
      name: 'refuses a request signed only with sha1',
      headers: { 'x-hub-signature': `sha1=${createHmac('sha1', SECRET).update(BODY).digest('hex')}` },
      expected: { ok: false, code: 'signature_sha1_only' },
    },
    {
      name: 'reports a header without the sha256= prefix as malformed',
      headers: { 'x-hub-signature-256': HEX },
      expected: { ok: false, code: 'signature_malformed' },
    },
    {
      name: 'reports a truncated digest as malformed',
      headers: { 'x-hub-signature-256': `sha256=${HEX.slice(0, 62)}` },
      expected: { ok: false, code: 'signature_malformed' },
    },
    {
      name: 'reports non-hex digits as malformed',
      headers: { 'x-hub-signature-256': `sha256=${HEX.slice(0, 30)}zz${HEX.slice(32)}` },
      expected: { ok: false, code: 'signature_malformed' },
    },
    {
      name: 'reports two signature headers as malformed',
      headers: { 'x-hub-signature-256': [`sha256=${HEX}`, `sha256=${HEX}`] },
      expected: { ok: false, code: 'signature_malformed' },
    },
    {
      name: 'reports a signature made with another secret as a mismatch',
      headers: { 'x-hub-signature-256': signBody(BODY, 'other-secret') },
      expected: { ok: false, code: 'signature_mismatch' },
    },
    {
      name: 'reports a mismatch when one byte of the body changed',
      headers: { 'x-hub-signature-256': `sha256=${HEX}` },
      body: Buffer.from(BODY.toString('utf8').replace('hola', 'Hola')),
      expected: { ok: false, code: 'signature_mismatch' },
    },
    {
      name: 'reports a mismatch when the body was re-serialised (escaped unicode decoded)',
      headers: { 'x-hub-signature-256': `sha256=${HEX}` },
      body: Buffer.from(JSON.stringify(JSON.parse(BODY.toString('utf8')))),
      expected: { ok: false, code: 'signature_mismatch' },
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      expect(verifySignature(c.body ?? BODY, c.headers, SECRET)).toEqual(c.expected);
    });
  }

  it('verifies what signBody produced for an empty body', () => {
    const empty = Buffer.alloc(0);
    expect(verifySignature(empty, { 'x-hub-signature-256': signBody(empty, SECRET) }, SECRET)).toEqual({
      ok: true,
    });
  });
});
