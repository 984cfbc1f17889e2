import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
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

/**
 * Checked by hand rather than with zod: every vault-opening command reads this
 * file, and the CLI keeps the schema library out of its start (test/cli/startup.test.ts).
 */
function hasExactKeys(value: unknown, keys: string[]): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const own = Object.keys(value);
  return own.length === keys.length && keys.every((k) => own.includes(k));
}
const isText = (value: unknown, max: number): value is string => typeof value === 'string' && value.length >= 1 && value.length <= max;

function asConfig(value: unknown): CliConfig | null {
  if (!hasExactKeys(value, ['version', 'approved']) || value['version'] !== 1) return null;
  const approved = value['approved'];
  if (!hasExactKeys(approved, ['pkcs11Modules', 'vaultServers'])) return null;
  const modules = approved['pkcs11Modules'];
  const servers = approved['vaultServers'];
  if (!Array.isArray(modules) || modules.length > 1000 || !modules.every((m) => isText(m, 4096))) return null;
  if (!Array.isArray(servers) || servers.length > 1000) return null;
  for (const server of servers) {
    if (!hasExactKeys(server, ['endpoint', 'caSha256']) || !isText(server['endpoint'], 2048)) return null;
    const ca = server['caSha256'];
    if (ca !== null && !(typeof ca === 'string' && /^[0-9a-f]{64}$/.test(ca))) return null;
  }
  return { version: 1, approved: { pkcs11Modules: modules as string[], vaultServers: servers as Approvals['vaultServers'] } };
}

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
  const parsed = asConfig(value);
  if (!parsed) throw new CustosError('CONFIG_INVALID', `the configuration file ${path} is not a Custos configuration (version 1, approved modules and Vault servers); fix or remove it`);
  return parsed;
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
