/**
 * The growth area's reaction to webhook events, run inside the event's transaction (see
 * src/automation): a template status update changes the stored template's review status.
 * (Opt-in tokens and STOP/RESUME are applied by ingest/apply-event.ts before this runs.)
 */
import type { AutomationDeps, AutomationHandler } from '../automation/index.ts';
import { applyTemplateStatusEvent } from './template-service.ts';

export function createGrowthAutomation(deps: Pick<AutomationDeps, 'now' | 'logger'>): AutomationHandler {
  return async (db, event) => {
    if (event.kind !== 'template_status') return;
    const changed = await applyTemplateStatusEvent(db, event, deps.now());
    if (changed === 0)
      deps.logger?.debug(
        { template: event.templateId, status: event.event },
        'template status for an unknown template',
      );
  };
}
