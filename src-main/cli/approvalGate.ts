import { describeTarget, isApproved, notApproved, type ApprovalGate, type ApprovalTarget } from '../core/config/approvals.js';
import { approveInConfig, configPath, readCliConfig } from '../core/config/cliConfig.js';
import type { CliIo } from './io.js';

/** The command that approves `target` for good, as the fix a script's error names. */
export function approveCommandFor(target: ApprovalTarget): string {
  if (target.kind === 'pkcs11-module') return `custos config approve-module ${target.path}`;
  return `custos config approve-vault ${target.endpoint}${target.caSha256 ? ' --vault-ca-file CA.pem (the same CA file)' : ''}`;
}

/**
 * The CLI's gate: what the configuration file approved passes; anything else
 * is shown to the person at a terminal, who must type "yes" before it is
 * recorded and used. Without a terminal (a script) it stops with NOT_APPROVED
 * and the command that approves it, so a script never approves by itself.
 */
export function cliApprovalGate(io: CliIo): ApprovalGate {
  const path = configPath(io.env);
  return async (target) => {
    if (isApproved(readCliConfig(path).approved, target)) return;
    const fix = `If you trust it, approve it once: ${approveCommandFor(target)}`;
    if (!io.interactive) throw notApproved(target, fix);
    io.err(`This unlock method uses ${describeTarget(target)}.\nThis installation has not approved it yet. Approve it only if you expected it.\n`);
    const answer = (await io.prompt('Type yes to approve it (recorded in your Custos configuration): ')).trim().toLowerCase();
    if (answer !== 'yes') throw notApproved(target, 'You did not approve it.');
    approveInConfig(path, target);
    io.err(`approved, recorded in ${path}\n`);
  };
}
