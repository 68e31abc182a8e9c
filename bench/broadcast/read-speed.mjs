/**
 * How fast this machine reads contact rows with better-sqlite3 alone, nothing of Ventana's: the
 * floor under the preflight, which reads the same columns in the same 10,000-row keyset chunks.
 *
 *   node bench/broadcast/read-speed.mjs <bench.db>   (a database left by bench:broadcast --dir)
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const Sqlite = require('better-sqlite3');
const path = process.argv[2];
if (!path) {
  console.error('usage / uso: node bench/broadcast/read-speed.mjs <bench.db>');
  process.exit(2);
}
const db = new Sqlite(path, { readonly: true });

// The audience columns one by one (src/storage/broadcasts.ts, audienceQuery without the extended ones).
const AUDIENCE = `id, page_id, psid, first_name, locale, country, timezone, last_seen_at, last_inbound_at,
  last_inbound_kind, ad_window_started_at, window_closed_by_graph_at, blocked, opted_out_at,
  case when marketing_token_enc is null then 0 else 1 end, marketing_status, marketing_token_expires_at,
  marketing_last_sent_at, case when legacy_token_enc is null then 0 else 1 end, legacy_token_status,
  legacy_token_expires_at, legacy_last_sent_at, case when otn_token_enc is null then 0 else 1 end,
  otn_created_at, otn_used_at`;

function scan(label, columns) {
  const statement = db
    .prepare(`select ${columns} from contacts where workspace_id = ? and id > ? order by id limit 10000`)
    .raw(true);
  const workspace = db.prepare('select workspace_id from contacts limit 1').pluck().get();
  const started = performance.now();
  let after = '';
  let rows = 0;
  for (;;) {
    let last = null;
    let chunk = 0;
    for (const values of statement.iterate(workspace, after)) {
      last = values[0];
      chunk++;
    }
    rows += chunk;
    if (chunk < 10_000) break;
    after = last;
  }
  const s = (performance.now() - started) / 1000;
  console.log(`${label.padEnd(34)} ${rows.toLocaleString('en')} rows in ${s.toFixed(2)} s`);
}

// As the preflight reads them: the mostly-empty ones packed into one value (packedAudienceQuery).
const PACKED = `id, page_id, psid, first_name, locale, country, timezone, last_seen_at, last_inbound_at,
  last_inbound_kind, case when ad_window_started_at is null and window_closed_by_graph_at is null
  and blocked = 0 and opted_out_at is null and marketing_token_enc is null and marketing_status is null
  and marketing_token_expires_at is null and marketing_last_sent_at is null and legacy_token_enc is null
  and legacy_token_status is null and legacy_token_expires_at is null and legacy_last_sent_at is null
  and otn_token_enc is null and otn_created_at is null and otn_used_at is null then null
  else json_array(ad_window_started_at, window_closed_by_graph_at, blocked, opted_out_at,
  marketing_token_enc is not null, marketing_status, marketing_token_expires_at, marketing_last_sent_at,
  legacy_token_enc is not null, legacy_token_status, legacy_token_expires_at, legacy_last_sent_at,
  otn_token_enc is not null, otn_created_at, otn_used_at) end`;

scan('id only (from the index)', 'id');
scan('id, page, last inbound', 'id, page_id, last_inbound_at');
scan('the 25 audience columns', AUDIENCE);
scan('the same, rare ones packed (11 values)', PACKED);
