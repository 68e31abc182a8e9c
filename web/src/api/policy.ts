/** `POST /api/v1/policy/check`: the pure decision for a facts document (open route, no data read). */
import { call, described } from './http.ts';

export interface Decision {
  readonly allowed: boolean;
  readonly route: string | null;
  readonly rules: string;
  readonly windowClosesAt?: string | null;
  readonly promotional?: {
    readonly value: boolean;
    readonly score?: number;
    readonly signals: readonly { kind: string; text: string }[];
  };
  readonly reasons: readonly { code: string; message: string }[];
  readonly alternatives: readonly { route?: string | null; code?: string; message: string }[];
}

export interface MessageFacts {
  readonly sender?: 'bot' | 'human';
  readonly text?: string;
  readonly buttons?: readonly { type: string; url?: string }[];
}

/** How a message reads to the rules, with nobody's window in play (e.g. a broadcast draft). */
export const checkMessage = (message: MessageFacts, now = new Date().toISOString()) =>
  call('postPolicyCheck', { body: { now, message } }).then(described<Decision>);
