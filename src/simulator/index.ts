/** Public entry of the Messenger Platform simulator (fake Graph API + fake people). */
export { checkFaultSpec, FaultInjector } from './faults.ts';
export type { GraphErrorBody } from './graph-error.ts';
export {
  FakePeople,
  fetchTransport,
  type HandshakeResult,
  type SimEvent,
  type TransportRequest,
  type TransportResponse,
  type WebhookResult,
  type WebhookTransport,
} from './people.ts';
export { DEFAULT_RULE_DATES, type RuleDates } from './send-rules.ts';
export { createSimulator, type Simulator, type SimulatorClock, type SimulatorOptions } from './simulator.ts';
export { DEFAULT_RATE_LIMITS, PAGE_INBOX_APP_ID, type RateLimits, SimulatorState } from './state.ts';
export type * from './types.ts';
export { metaJson, signatureHeader } from './webhook-wire.ts';
