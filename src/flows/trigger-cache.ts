/**
 * Compiled triggers per workspace, rebuilt when the workspace's flow revision changes (publish and
 * archive bump it in the database, so every process sees the change on its next event).
 */
import { flows, type Queryable } from '../storage/index.ts';
import type { FlowDocument } from './document.ts';
import { type CompiledTriggers, compileTriggers } from './triggers.ts';

export interface WorkspaceTriggers {
  readonly revision: string;
  readonly compiled: CompiledTriggers;
  /** Published priority of each active flow. */
  readonly priorities: ReadonlyMap<string, number>;
}

export interface TriggerCache {
  get(db: Queryable, workspaceId: string): Promise<WorkspaceTriggers>;
  /** Forgets a workspace (the revision check would notice anyway; this saves one rebuild race). */
  invalidate(workspaceId: string): void;
}

export function createTriggerCache(): TriggerCache {
  const cache = new Map<string, WorkspaceTriggers>();
  return {
    async get(db, workspaceId) {
      const revision = await flows.getRevision(db, workspaceId);
      const hit = cache.get(workspaceId);
      if (hit && hit.revision === revision) return hit;
      const published = await flows.listPublished(db, workspaceId);
      const compiled = compileTriggers(
        published.map((p) => ({
          flowId: p.flowId,
          version: p.version,
          priority: p.priority,
          triggers: (p.document as FlowDocument).triggers,
        })),
      );
      const entry = { revision, compiled, priorities: new Map(published.map((p) => [p.flowId, p.priority])) };
      cache.set(workspaceId, entry);
      return entry;
    },
    invalidate(workspaceId) {
      cache.delete(workspaceId);
    },
  };
}
