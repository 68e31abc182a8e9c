/**
 * The Send API's `metadata` Ventana gives every message: its outbox id. Meta echoes it back in the
 * `message_echoes` webhook, which is how a send whose answer was lost is later known to have left
 * (storage/outbox-echo.ts).
 */

const PREFIX = 'ventana:';
const OUTBOX_ID = /^[0-9A-Za-z_-]{1,64}$/;

export function sendMetadata(outboxId: string): string {
  return `${PREFIX}${outboxId}`;
}

/** The outbox id an echo's metadata names, or null when the metadata is not one of ours. */
export function outboxIdOfMetadata(metadata: string | null): string | null {
  if (metadata === null || !metadata.startsWith(PREFIX)) return null;
  const id = metadata.slice(PREFIX.length);
  return OUTBOX_ID.test(id) ? id : null;
}
