import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { CustosError } from '../../../shared/errors.js';
import { emptyApprovals, withApproval, type Approvals, type ApprovalTarget } from './approvals.js';

/**
 * The CLI's configuration: one JSON file per user, outside every vault. Today
 * it holds only what this installation has approved (PKCS#11 modules, Vault
 * servers). Documented in docs/SECURITY.md and README ("Approving HSM modules
 * and Vault servers").
 */
export interface CliConfig {
  version: 1;
  approved: Approvals;
}

const ConfigSchema = z.strictObject({
  version: z.literal(1),
  approved: z.strictObject({
    pkcs11Modules: z.array(z.string().min(1).max(4096)).max(1000),
    vaultServers: z.array(z.strictObject({ endpoint: z.string().min(1).max(2048), caSha256: z.string().regex(/^[0-9a-f]{64}$/).nullable() })).max(1000),
  }),
});

/** $CUSTOS_CONFIG, else $XDG_CONFIG_HOME/custos/config.json, else ~/.config/custos/config.json. */
export function configPath(env: Record<string, string | undefined>): string {
  if (env['CUSTOS_CONFIG']) return env['CUSTOS_CONFIG'];
  const xdg = env['XDG_CONFIG_HOME'];
  const base = xdg && isAbsolute(xdg) ? xdg : join(env['HOME'] || homedir(), '.config');
  return join(base, 'custos', 'config.json');
}

/**
 * The file's contents; a missing file is an empty configuration. A file that
 * exists but is not ours is refused (CONFIG_INVALID), never half-read: it
 * decides what code Custos will load.
 */
export function readCliConfig(path: string): CliConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, approved: emptyApprovals() };
    throw new CustosError('CONFIG_INVALID', `cannot read the configuration file ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CustosError('CONFIG_INVALID', `the configuration file ${path} is not JSON; fix or remove it`);
  }
  const parsed = ConfigSchema.safeParse(value);
  if (!parsed.success) throw new CustosError('CONFIG_INVALID', `the configuration file ${path} is not a Custos configuration (version 1, approved modules and Vault servers); fix or remove it`);
  return parsed.data;
}

/** Written whole to a temporary file and renamed, mode 0600 in a 0700 folder. */
export function writeCliConfig(path: string, config: CliConfig): void {
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const temp = `${path}.tmp-${process.pid}`;
    writeFileSync(temp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
    renameSync(temp, path);
  } catch (error) {
    throw new CustosError('FILE_IO', `cannot write the configuration file ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

/** Adds one approval to the file (re-read first, so two runs do not drop each other's). */
export function approveInConfig(path: string, target: ApprovalTarget): CliConfig {
  const current = readCliConfig(path);
  const next: CliConfig = { version: 1, approved: withApproval(current.approved, target) };
  writeCliConfig(path, next);
  return next;
}

/** Removes approvals matching `keep === false`; returns how many went. */
export function revokeInConfig(path: string, drop: (target: ApprovalTarget) => boolean): number {
  const current = readCliConfig(path);
  const modules = current.approved.pkcs11Modules.filter((p) => !drop({ kind: 'pkcs11-module', path: p }));
  const servers = current.approved.vaultServers.filter((v) => !drop({ kind: 'vault-server', ...v }));
  const removed = current.approved.pkcs11Modules.length - modules.length + current.approved.vaultServers.length - servers.length;
  if (removed > 0) writeCliConfig(path, { version: 1, approved: { pkcs11Modules: modules, vaultServers: servers } });
  return removed;
}
