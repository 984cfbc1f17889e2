import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { CustosError } from '../../shared/errors.js';
import type { VaultEntry } from '../../shared/ipc.js';

export const VAULT_EXTENSION = '.custos.db';

/** An opaque, stable id for a vault file, so the renderer never hands main a path. */
export function vaultId(path: string): string {
  return createHash('sha256').update(resolve(path)).digest('hex').slice(0, 16);
}

export function vaultName(path: string): string {
  const file = basename(path);
  return file.endsWith(VAULT_EXTENSION) ? file.slice(0, -VAULT_EXTENSION.length) : file;
}

export interface VaultRegistry {
  list(): VaultEntry[];
  /** The path behind an id the renderer sent; KEYSTORE_NOT_FOUND when main never listed it. */
  resolve(id: string): string;
  pathForNew(name: string): string;
  /** Remembers a file chosen in main's own open dialog. */
  add(path: string): VaultEntry;
}

/** Vaults in the app's vault folder, plus files the person opened by dialog this session. */
export function vaultRegistry(dir: string): VaultRegistry {
  const extra = new Map<string, string>();
  const entry = (path: string): VaultEntry => ({ id: vaultId(path), name: vaultName(path), path: resolve(path) });
  const list = (): VaultEntry[] => {
    let files: string[] = [];
    try {
      files = readdirSync(dir).filter((f) => f.endsWith(VAULT_EXTENSION));
    } catch {
      // no folder yet: no vaults
    }
    const all = new Map<string, VaultEntry>();
    for (const f of files.sort()) all.set(vaultId(join(dir, f)), entry(join(dir, f)));
    for (const path of extra.values()) all.set(vaultId(path), entry(path));
    return [...all.values()];
  };
  return {
    list,
    resolve(id) {
      const found = list().find((v) => v.id === id);
      if (!found) throw new CustosError('KEYSTORE_NOT_FOUND', 'no such vault; it may have been moved or deleted');
      return found.path;
    },
    pathForNew(name) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      return join(dir, `${name}${VAULT_EXTENSION}`);
    },
    add(path) {
      const e = entry(path);
      extra.set(e.id, e.path);
      return e;
    },
  };
}
