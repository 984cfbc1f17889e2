import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { CustosError } from '../../../../shared/errors.js';
import { checkShare, type ShareCheck } from '../../../core/paper/paperVault.js';
import type { CliIo } from '../../io.js';
import { keystorePath, withKeystore, withKeystoreOptions, type CommonOptions } from '../../keystoreOption.js';
import { emit, EXIT } from '../../output.js';
import { collectShares } from './inputs.js';

interface CheckOptions extends CommonOptions {
  shareFile?: string[];
  qrImage?: string[];
  offline?: boolean;
}

function describe(c: ShareCheck): string {
  const where = `group ${c.groupIndex} of ${c.groupCount} (${c.groupThreshold} needed), share ${c.memberIndex} (${c.memberThreshold} needed)`;
  const lines = [`well-formed: ${c.words} words, ceremony ${c.ceremonyId}, ${where}`];
  if (c.genuine === null) lines.push('genuine: not checked (no keystore to ask); run it on the vault host to check the sheet was printed by this vault');
  else if (c.genuine && c.match?.supersededAt) {
    lines.push(`genuine, but superseded by a master-key rotation on ${c.match.supersededAt.slice(0, 10)}: printed by this vault in ceremony ${c.match.ceremony.id} on ${c.match.ceremony.createdAt.slice(0, 10)}, it restores the OLD master key and no longer opens this vault`);
    lines.push(`custodian: ${c.match.custodian ?? '(not named)'}; sheet ${c.sheetFingerprint}. Destroy it once the new sheets ('custos paper split') are handed out`);
  } else if (c.genuine && c.match) {
    lines.push(`genuine: yes, printed by vault ${c.match.ceremony.vaultFingerprint} in ceremony ${c.match.ceremony.id} on ${c.match.ceremony.createdAt.slice(0, 10)}`);
    lines.push(`custodian: ${c.match.custodian ?? '(not named)'}; sheet ${c.sheetFingerprint} (compare with the sheet's header)`);
  } else lines.push('genuine: NO. This vault never printed this share: it is forged, mistyped into another valid share, or from another vault or an earlier master key');
  return lines.join('\n');
}

export function paperCheckCommand(io: CliIo, setExitCode: (code: number) => void): Command {
  return withKeystoreOptions(new Command('check'))
    .description('check one share alone: well-formed, which vault and ceremony, and whether this vault printed it')
    .option('--share-file <file>', 'a file holding the share words', (v: string, p: string[] = []) => [...p, v])
    .option('--qr-image <image>', "a PNG or JPEG scan of the sheet's QR code, or the PDF sheet itself", (v: string, p: string[] = []) => [...p, v])
    .option('--offline', 'do not open the keystore: check the words only')
    .addHelpText(
      'after',
      `
Exit status 1 when the share is not genuine, or is genuine but superseded by a master-key
rotation (it restores the old master key). Without a keystore (or with --offline) only the
words are checked.

Examples:
  custos paper check --share-file sheets/share-2.txt
  custos paper check --qr-image scan.png --offline`,
    )
    .action(async (options: CheckOptions) => {
      const inputs = await collectShares({ ...(options.shareFile ? { shareFile: options.shareFile } : {}), ...(options.qrImage ? { qrImage: options.qrImage } : {}) }, io);
      if (inputs.length !== 1) throw new CustosError('INVALID_ARGUMENT', `paper check takes one share; ${inputs.length} were given`);
      const text = inputs[0]?.text ?? '';
      const haveKeystore = !options.offline && existsSync(resolve(keystorePath(options, io)));
      const result = haveKeystore ? await withKeystore(options, io, (ks) => checkShare(text, ks)) : checkShare(text, null);
      emit(io, options, result, () => describe(result));
      if (result.genuine === false || result.match?.supersededAt) setExitCode(EXIT.failure);
    });
}
