import { CustosError } from '../../../shared/errors.js';
import type { UnlockMethodKind } from '../../../shared/keys.js';
import type { IpcContext } from '../context.js';
import { approvedFor } from '../approvals.js';
import { coreCredentials } from '../credentials.js';
import { handle, type Handler } from '../handle.js';

export function masterKeyHandlers(ctx: IpcContext) {
  const { core, appOrigin } = ctx;
  return {
    'masterKey:rotationPlan': handle('masterKey:rotationPlan', appOrigin, async () => core.call('rotationPlan', {})),
    'masterKey:rotate': handle('masterKey:rotate', appOrigin, async ({ confirmation, methods }) => {
      // Checked here, not only on screen: a renderer that skips the warning still cannot rotate.
      if (confirmation !== 'rotate') throw new CustosError('CONFIRMATION_REQUIRED', "type 'rotate' to confirm; nothing was rotated");
      const drop = methods.filter((m) => m.action === 'drop').map((m) => m.methodId);
      const rewrap = [];
      for (const m of methods) if (m.action === 'rewrap') rewrap.push({ methodId: m.methodId, credentials: await coreCredentials(m.credentials, ctx) });
      const opened = await core.call('status', {});
      const approvals = opened ? await approvedFor(ctx, opened.path, rewrap) : ctx.settings.approvals();
      const r = await core.call('rotateMasterKey', { rewrap, drop, approvals });
      return {
        previousVaultFingerprint: r.previousVaultFingerprint,
        vaultFingerprint: r.vaultFingerprint,
        records: r.records,
        keks: r.keks,
        auditEntries: r.auditEntries,
        supersededCeremonies: r.supersededCeremonies,
        // Rows of any other kind were refused before the rotation began; the response schema checks again.
        methods: r.methods.map(({ id, kind, label, action }) => ({ id, kind: kind as UnlockMethodKind, label, action })),
        ...(r.oldBytesRemain ? { oldBytesRemain: true as const } : {}),
      };
    }),
  } satisfies Record<string, Handler>;
}
