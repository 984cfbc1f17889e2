import { CustosError } from '../../../../shared/errors.js';
import { equalBytes, wipe } from '../../crypto/bytes.js';
import { newArgon2idParams, parseArgon2idParams } from '../../crypto/kdf.js';
import { unwrapWithPassphrase, wrapWithPassphrase } from '../../masterkey/passphraseWrap.js';
import type { UnlockMethodRow } from '../unlock.js';

/** What an unlock method's row becomes under the new master key. */
export interface RewrappedMethod {
  params: string;
  wrapped: Uint8Array;
}

export interface RewrapContext {
  keystoreId: Uint8Array;
  /** The master key the row wraps now: a rewrapper proves its credentials open the row to exactly this. */
  oldMasterKey: Uint8Array;
  newMasterKey: Uint8Array;
}

/**
 * Re-wraps one unlock method under the new master key, given that method's
 * credentials (a passphrase, an HSM PIN, a Vault token). Each method kind
 * supplies one. It first opens the stored row with the credentials and checks
 * it holds the current master key, so wrong credentials fail here, before
 * anything is written, with that kind's own code. Async: a KDF, an HSM or
 * Vault may be involved; rotation calls every rewrapper before its transaction.
 */
export type Rewrapper = (row: UnlockMethodRow, ctx: RewrapContext) => Promise<RewrappedMethod>;

/**
 * The passphrase method: the same passphrase and cost parameters, a fresh
 * salt (so the new wrap shares nothing with the old one). WRONG_PASSPHRASE
 * when the passphrase does not open this row.
 */
export function passphraseRewrapper(passphrase: string): Rewrapper {
  return async (row, ctx) => {
    const params = parseArgon2idParams(row.params);
    if (!params) throw new CustosError('UNLOCK_METHOD_TAMPERED', `unlock method ${row.id} has malformed KDF parameters`);
    let current: Uint8Array;
    try {
      current = await unwrapWithPassphrase(row.wrapped, passphrase, params, ctx.keystoreId);
    } catch (error) {
      if (error instanceof CustosError && error.code === 'WRONG_PASSPHRASE') {
        throw new CustosError('WRONG_PASSPHRASE', `the passphrase given does not open unlock method ${row.id} (${row.label}); nothing was changed. Give its passphrase, or drop it with --drop-method ${row.id}`);
      }
      throw error;
    }
    const same = equalBytes(current, ctx.oldMasterKey);
    wipe(current);
    if (!same) throw new CustosError('UNLOCK_METHOD_TAMPERED', `unlock method ${row.id} opened, but not to this keystore's master key; nothing was changed`);
    const fresh = newArgon2idParams(params.memoryKiB, params.iterations, params.parallelism);
    return { params: JSON.stringify(fresh), wrapped: await wrapWithPassphrase(ctx.newMasterKey, passphrase, fresh, ctx.keystoreId) };
  };
}
