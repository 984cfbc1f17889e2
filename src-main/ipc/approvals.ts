import { isApproved, notApproved, vaultTarget, type Approvals, type ApprovalTarget } from '../core/config/approvals.js';
import type { MethodCredentials } from '../core/keystore/methods/kinds.js';
import type { IpcContext } from './context.js';

/**
 * Before main lets the worker use a stored method: the module or Vault
 * server it names (read from the file by the worker) must be approved in
 * this installation's settings. Something new is shown to the person in
 * main's own dialog (the renderer cannot answer it) and recorded only if
 * they approve. Returns the approvals the worker may use, nothing more.
 */
export async function approvedFor(ctx: Pick<IpcContext, 'core' | 'settings' | 'confirmApproval'>, path: string, uses: ReadonlyArray<{ methodId: number; credentials: MethodCredentials }>): Promise<Approvals> {
  for (const { methodId, credentials } of uses) {
    const stored = await ctx.core.call('methodTarget', { path, methodId });
    if (stored === null) continue;
    const caPem = credentials.kind === 'vault-transit' || credentials.kind === 'vault-kv' ? credentials.vault.caPem : undefined;
    const target: ApprovalTarget = stored.kind === 'pkcs11-module' ? stored : vaultTarget(stored.endpoint, caPem);
    if (isApproved(ctx.settings.approvals(), target)) continue;
    const yes = ctx.confirmApproval ? await ctx.confirmApproval(target) : false;
    if (!yes) throw notApproved(target, 'It was not approved in the confirmation dialog.');
    ctx.settings.approve(target);
  }
  return ctx.settings.approvals();
}
