import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { CONTRACT, IDLE_LOCK_MINUTES, type Settings } from '../../shared/ipc.js';
import { emptyApprovals, withApproval, type Approvals, type ApprovalTarget } from '../core/config/approvals.js';

export interface SettingsStore {
  get(): Settings;
  set(next: Settings): Settings;
  /**
   * What this installation approved (PKCS#11 modules, Vault servers). Kept
   * beside the settings but never in them: `settings:set` takes what the
   * renderer sends, and a renderer must not be able to approve code.
   */
  approvals(): Approvals;
  /** Records an approval main has confirmed with the person in its own dialog. */
  approve(target: ApprovalTarget): Approvals;
}

const DEFAULTS: Settings = { idleLockMinutes: IDLE_LOCK_MINUTES.default };

const ApprovalsSchema = z.strictObject({
  pkcs11Modules: z.array(z.string().min(1).max(4096)).max(1000),
  vaultServers: z.array(z.strictObject({ endpoint: z.string().min(1).max(2048), caSha256: z.string().regex(/^[0-9a-f]{64}$/).nullable() })).max(1000),
});

/**
 * Settings in a small JSON file. A file that fails the contract's schema is
 * ignored (defaults apply, nothing approved) rather than trusted: it lives
 * outside the vault and anyone with the user's rights can edit it.
 */
export function fileSettings(path: string): SettingsStore {
  let current: Settings = DEFAULTS;
  let approved: Approvals = emptyApprovals();
  try {
    const { approved: stored, ...rest } = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    const parsed = CONTRACT['settings:get'].response.safeParse(rest);
    if (parsed.success) current = parsed.data;
    const approvals = ApprovalsSchema.safeParse(stored);
    if (approvals.success) approved = approvals.data;
  } catch {
    // missing or unreadable: defaults
  }
  const save = () => {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const temp = `${path}.tmp`;
    writeFileSync(temp, JSON.stringify({ ...current, approved }), { mode: 0o600 });
    renameSync(temp, path);
  };
  return {
    get: () => ({ ...current }),
    set(next) {
      const before = current;
      current = { ...next };
      try {
        save();
      } catch (error) {
        current = before;
        throw error;
      }
      return { ...current };
    },
    approvals: () => ({ pkcs11Modules: [...approved.pkcs11Modules], vaultServers: approved.vaultServers.map((v) => ({ ...v })) }),
    approve(target) {
      approved = withApproval(approved, target);
      save();
      return { pkcs11Modules: [...approved.pkcs11Modules], vaultServers: approved.vaultServers.map((v) => ({ ...v })) };
    },
  };
}
