import type { InternalContext } from '../keystore/internal.js';

/**
 * The source keystore's audit history, as UTF-8 JSON to put in a backup
 * bundle at export; null when there is none to carry. (First version: the
 * signatures H3 compiles against; the body follows in the next commit.)
 */
export function auditHistoryForBundle(ctx: InternalContext): string | null {
  void ctx;
  return null;
}

/**
 * Verifies the history carried by a bundle and stores it beside this
 * keystore's own log; call inside the import's write transaction.
 */
export function storeImportedHistory(ctx: InternalContext, json: string, source: { bundleId: string; pairFingerprint: string }): void {
  void ctx;
  void json;
  void source;
}
