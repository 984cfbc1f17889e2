import { createHash } from 'node:crypto';
import { realpathSync, statSync } from 'node:fs';
import { CustosError } from '../../../shared/errors.js';

/**
 * A vault file is data, not code. Its stored unlock methods name a PKCS#11
 * library (which the worker would load and run) and a Vault address (which
 * would receive a token). Custos follows neither until this installation has
 * approved it: the list lives in the app's settings or the CLI's config file,
 * never in the vault, so a crafted vault cannot approve itself.
 */
export interface VaultServerApproval {
  /** scheme://host:port, as connect.ts normalises it. */
  endpoint: string;
  /** SHA-256 (hex) of the CA PEM trusted for this address; null: the system's roots. */
  caSha256: string | null;
}

export interface Approvals {
  /** Real paths (symlinks resolved) of PKCS#11 libraries this installation may load. */
  pkcs11Modules: string[];
  vaultServers: VaultServerApproval[];
}

export type ApprovalTarget = ({ kind: 'pkcs11-module'; path: string }) | ({ kind: 'vault-server' } & VaultServerApproval);

/**
 * Called before a module is loaded or a Vault server contacted. Resolves when
 * the target is approved (asking a person first, where the host can), or
 * throws NOT_APPROVED.
 */
export type ApprovalGate = (target: ApprovalTarget) => Promise<void>;

export const NO_APPROVALS: Approvals = Object.freeze({ pkcs11Modules: [], vaultServers: [] }) as Approvals;

export function emptyApprovals(): Approvals {
  return { pkcs11Modules: [], vaultServers: [] };
}

/** The real path of a module file, so an approval cannot be dodged (or reused) through another symlink. */
export function moduleRealPath(path: string): string {
  try {
    const real = realpathSync(path);
    if (!statSync(real).isFile()) throw new Error('not a file');
    return real;
  } catch {
    throw new CustosError('HSM_MODULE_NOT_FOUND', `no PKCS#11 module at ${path}`);
  }
}

/** scheme://host:port of a Vault address, the form approvals are kept in (no path, no credentials). */
export function vaultOrigin(endpoint: string): string {
  try {
    const url = new URL(endpoint);
    return `${url.protocol}//${url.host}`;
  } catch {
    throw new CustosError('INVALID_ARGUMENT', 'the Vault address is not a URL');
  }
}

export function caFingerprint(caPem: string | undefined | null): string | null {
  return caPem ? createHash('sha256').update(caPem.trim(), 'utf8').digest('hex') : null;
}

export function vaultTarget(endpoint: string, caPem: string | undefined | null): ApprovalTarget {
  return { kind: 'vault-server', endpoint: vaultOrigin(endpoint), caSha256: caFingerprint(caPem) };
}

export function isApproved(approvals: Approvals, target: ApprovalTarget): boolean {
  if (target.kind === 'pkcs11-module') return approvals.pkcs11Modules.includes(target.path);
  return approvals.vaultServers.some((v) => v.endpoint === target.endpoint && v.caSha256 === target.caSha256);
}

/** The list with the target added (once). */
export function withApproval(approvals: Approvals, target: ApprovalTarget): Approvals {
  if (isApproved(approvals, target)) return approvals;
  if (target.kind === 'pkcs11-module') return { ...approvals, pkcs11Modules: [...approvals.pkcs11Modules, target.path] };
  return { ...approvals, vaultServers: [...approvals.vaultServers, { endpoint: target.endpoint, caSha256: target.caSha256 }] };
}

/** What a person is asked to approve, in plain words. */
export function describeTarget(target: ApprovalTarget): string {
  if (target.kind === 'pkcs11-module') return `the PKCS#11 module ${target.path} (a library: it runs inside Custos, next to the master key)`;
  const ca = target.caSha256 ? `trusting the CA with SHA-256 ${target.caSha256}` : "trusting the system's certificate authorities";
  return `the Vault server ${target.endpoint}, ${ca} (it receives the Vault token)`;
}

/** NOT_APPROVED, naming the target and how to approve it. `fix` is the host's own instruction. */
export function notApproved(target: ApprovalTarget, fix: string): CustosError {
  return new CustosError('NOT_APPROVED', `this installation has not approved ${describeTarget(target)}; nothing was loaded or contacted. ${fix}`);
}

/** A gate that only consults a list: what the worker uses (main asked first), and the core's default. */
export function listGate(approvals: Approvals, fix = 'Approve it in the app, or with custos config.'): ApprovalGate {
  return async (target) => {
    if (!isApproved(approvals, target)) throw notApproved(target, fix);
  };
}

/** Where no gate was given to use a stored method, nothing is approved: fail closed. */
export const DENY_ALL: ApprovalGate = listGate(NO_APPROVALS);

/**
 * Adding a method: the module or address comes from the caller (a command
 * line, a test), not from a file, so the core takes it as named. The CLI
 * still passes its own gate, which asks at a terminal.
 */
export const CALLER_NAMED: ApprovalGate = async () => undefined;
