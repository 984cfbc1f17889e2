import { readFileSync } from 'node:fs';
import { CustosError } from '../../../../shared/errors.js';
import { decodeQrImage } from '../../../core/paper/print/qrImage.js';
import type { ShareInput } from '../../../core/paper/restore.js';
import type { CliIo } from '../../io.js';
import { promptShares } from './typedShares.js';

export interface ShareSourceOptions {
  shareFile?: string[];
  qrImage?: string[];
  sharesStdin?: boolean;
  /** Typed at a terminal: stop after this many shares (e.g. 1 for a command that checks one share). */
  typedLimit?: number;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new CustosError('INVALID_ARGUMENT', `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

const lines = (text: string) => text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);

/** A share file holds one mnemonic (as `paper split --text` writes it); extra lines are separate shares. */
export async function collectShares(options: ShareSourceOptions, io: CliIo): Promise<ShareInput[]> {
  const inputs: ShareInput[] = [];
  for (const file of options.shareFile ?? []) {
    const found = lines(readText(file));
    if (found.length === 0) throw new CustosError('INVALID_ARGUMENT', `${file} holds no share`);
    found.forEach((text, i) => inputs.push({ source: found.length === 1 ? file : `${file} line ${i + 1}`, text }));
  }
  for (const image of options.qrImage ?? []) {
    const codes = await decodeQrImage(image);
    codes.forEach((text, i) => inputs.push({ source: codes.length === 1 ? image : `${image} code ${i + 1}`, text }));
  }
  if (options.sharesStdin) lines(await io.readStdin()).forEach((text, i) => inputs.push({ source: `stdin line ${i + 1}`, text }));
  if (inputs.length === 0 && io.interactive) return promptShares(io, options.typedLimit);
  if (inputs.length === 0) throw new CustosError('INVALID_ARGUMENT', 'give shares with --share-file, --qr-image or --shares-stdin');
  return inputs;
}
