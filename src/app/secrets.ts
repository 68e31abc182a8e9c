/**
 * Secrets for a running Ventana: from configuration, or — in demo mode only — generated once and kept
 * in the data folder (mode 0600) so restarts keep decrypting what was stored.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/config.ts';
import { parseSecretKey } from '../lib/crypto.ts';

export interface Secrets {
  readonly appSecret: string;
  readonly verifyToken: string;
  /** Bearer token of the REST API. */
  readonly apiToken: string;
  readonly secretKey: Buffer;
  /** Which of them were generated for the demo (shown to the user, never logged as values). */
  readonly generated: readonly string[];
}

interface StoredSecrets {
  appSecret?: string;
  verifyToken?: string;
  apiToken?: string;
  secretKey?: string;
}

/** The secrets in force; missing ones are generated and persisted under `dataDir/secrets.json`. */
export function loadOrCreateSecrets(config: Config): Secrets {
  const path = join(config.dataDir, 'secrets.json');
  let stored: StoredSecrets = {};
  if (existsSync(path)) stored = JSON.parse(readFileSync(path, 'utf8')) as StoredSecrets;
  const generated: string[] = [];
  const pick = (name: keyof StoredSecrets, fromConfig: string | null, make: () => string): string => {
    if (fromConfig !== null) return fromConfig;
    if (stored[name] === undefined) {
      stored[name] = make();
      generated.push(name);
    }
    return stored[name]!;
  };
  const appSecret = pick('appSecret', config.appSecret, () => randomBytes(16).toString('hex'));
  const verifyToken = pick('verifyToken', config.verifyToken, () => randomBytes(12).toString('base64url'));
  const apiToken = pick('apiToken', config.apiToken, () => randomBytes(24).toString('base64url'));
  const keyText = pick('secretKey', config.secretKey === null ? null : config.secretKey.toString('hex'), () =>
    randomBytes(32).toString('hex'),
  );
  const parsed = parseSecretKey(keyText);
  if (!parsed.ok) throw new Error(`${path}: secretKey is not a valid key`);
  if (generated.length > 0) {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(path, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
    chmodSync(path, 0o600);
  }
  return { appSecret, verifyToken, apiToken, secretKey: parsed.key, generated };
}
