/** Turns a window state of the rule set in force into SQL thresholds for the contact list. Pure. */
import type { RuleSet } from '../policy/index.ts';
import type { WindowThresholds } from '../storage/inbox.ts';
import type { WindowStateName } from './window.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export function windowThresholds(
  state: WindowStateName,
  rules: RuleSet,
  now: number,
  humanAgentPageIds: readonly string[],
): WindowThresholds {
  const p = rules.params;
  return {
    state,
    openSince: now - p.standardWindow.hours * HOUR_MS + 1,
    opensOn: p.standardWindow.opensOn,
    adOpenSince: p.ctmWindow === null ? null : now - p.ctmWindow.days * DAY_MS + 1,
    humanAgentSince: p.humanAgent === null ? null : now - p.humanAgent.days * DAY_MS + 1,
    humanAgentPageIds,
  };
}
