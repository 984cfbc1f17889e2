import { CustosError, isCustosError } from '../../../../shared/errors.js';
import { parseAcraMasterKey, readAcraMasterKeyFile } from '../../../core/acra/masterKey.js';
import type { Keystore } from '../../../core/keystore/keystore.js';
import type { CliIo } from '../../io.js';
import { withKeystore, type CommonOptions } from '../../keystoreOption.js';

export const ACRA_MASTER_KEY_FILE_HELP = "file holding Acra's master key, base64 as ACRA_MASTER_KEY (default: $ACRA_MASTER_KEY)";

/**
 * Acra's master key, from --acra-master-key-file or $ACRA_MASTER_KEY. It is
 * Acra's, never the Custos keystore's: see `custosIo`.
 */
export function acraMasterKeyFrom(file: string | undefined, io: CliIo): Uint8Array {
  if (file !== undefined) return readAcraMasterKeyFile(file);
  const env = io.env['ACRA_MASTER_KEY'];
  if (env) return parseAcraMasterKey(env, 'ACRA_MASTER_KEY');
  throw new CustosError('INVALID_ARGUMENT', "no Acra master key: pass --acra-master-key-file FILE or set ACRA_MASTER_KEY (Acra's key, not the Custos keystore's)");
}

/**
 * The CLI's environment without ACRA_MASTER_KEY, for unlocking the Custos
 * keystore: elsewhere Custos accepts ACRA_MASTER_KEY as its own master key,
 * but in `custos acra` it is Acra's, and the two must never be confused.
 */
export function custosIo(io: CliIo): CliIo {
  const env = { ...io.env };
  delete env['ACRA_MASTER_KEY'];
  return { ...io, env };
}

/** withKeystore, unlocked without ACRA_MASTER_KEY, saying so when no Custos key was given. */
export async function withVault<T>(options: CommonOptions, io: CliIo, fn: (keystore: Keystore) => T): Promise<T> {
  try {
    return await withKeystore(options, custosIo(io), fn);
  } catch (error) {
    if (isCustosError(error) && error.code === 'MASTER_KEY_MISSING' && io.env['ACRA_MASTER_KEY']) {
      throw new CustosError('MASTER_KEY_MISSING', "no master key for the Custos keystore: set CUSTOS_MASTER_KEY, or pass --master-key-file or --passphrase-file (under 'custos acra', ACRA_MASTER_KEY is Acra's key and never unlocks the vault)");
    }
    throw error;
  }
}
