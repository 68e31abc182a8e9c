/**
 * Helpers shared by the simulator's tests: a simulator on a frozen clock and a Send API call
 * through `inject()`. Not exported from index.ts.
 */
import type { LightMyRequestResponse } from 'fastify';
import { createSimulator, type Simulator, type SimulatorOptions } from './simulator.ts';

/** 1 Oct 2026, 12:00 UTC: after the 27 Apr 2026 tag deprecation. */
export const T0 = Date.UTC(2026, 9, 1, 12);
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const PAGE = '1001';
export const TOKEN = 'page-token-1001';

export function frozenSimulator(options: SimulatorOptions = {}): Simulator {
  return createSimulator({
    now: () => T0,
    pages: [{ id: PAGE, token: TOKEN, permissions: { humanAgent: true, utilityMessaging: true } }],
    ...options,
  });
}

export function send(
  sim: Simulator,
  body: Record<string, unknown>,
  opts: { token?: string; node?: string; version?: string } = {},
): Promise<LightMyRequestResponse> {
  return sim.app.inject({
    method: 'POST',
    url: `/${opts.version ?? 'v26.0'}/${opts.node ?? PAGE}/messages?access_token=${opts.token ?? TOKEN}`,
    payload: body,
  });
}

export function text(psid: string, t = 'hello', messagingType = 'RESPONSE'): Record<string, unknown> {
  return { recipient: { id: psid }, messaging_type: messagingType, message: { text: t } };
}

export function errorOf(res: LightMyRequestResponse): {
  code: number;
  error_subcode?: number;
  message: string;
} {
  return (res.json() as { error: { code: number; error_subcode?: number; message: string } }).error;
}
