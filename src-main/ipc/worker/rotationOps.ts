import { CustosError } from '../../../shared/errors.js';
import { wipe } from '../../core/crypto/bytes.js';
import type { Keystore } from '../../core/keystore/keystore.js';
import { listGate } from '../../core/config/approvals.js';
import { rewrapperFor } from '../../core/keystore/methods/unwrap.js';
import { rotationPreview } from '../../core/keystore/rotation/preview.js';
import type { Rewrapper } from '../../core/keystore/rotation/rewrap.js';
import { rotateMasterKey } from '../../core/keystore/rotation/rotate.js';
import { generateMasterKey } from '../../core/masterkey/masterKey.js';
import type { CoreOps } from './protocol.js';
import type { Report } from './coreOps.js';

type RotationImpl = {
  rotationPlan: (args: CoreOps['rotationPlan']['args']) => CoreOps['rotationPlan']['result'];
  rotateMasterKey: (args: CoreOps['rotateMasterKey']['args']) => Promise<CoreOps['rotateMasterKey']['result']>;
};

/**
 * Master-key rotation from the app. The new key is random and never leaves
 * the worker: it lives only inside the unlock methods that are re-wrapped, so
 * at least one must stay (the CLI can also write the new key to a file).
 */
export function rotationOps(unlocked: () => Keystore, report: Report): RotationImpl {
  return {
    rotationPlan: () => rotationPreview(unlocked()),

    async rotateMasterKey({ rewrap, drop, approvals }) {
      const keystore = unlocked();
      const { methods } = rotationPreview(keystore);
      if (!methods.some((m) => !drop.includes(m.id))) {
        throw new CustosError('INVALID_ARGUMENT', "no unlock method would remain, and the app never shows the new master key: keep one, or rotate with 'custos master-key rotate --new-master-key-out FILE'");
      }
      const ids = [...rewrap.map((r) => r.methodId), ...drop];
      if (new Set(ids).size !== ids.length) throw new CustosError('INVALID_ARGUMENT', 'each unlock method is named once: re-wrapped or dropped');
      const rewrappers = new Map<number, Rewrapper>();
      for (const { methodId, credentials } of rewrap) {
        const method = methods.find((m) => m.id === methodId);
        if (!method) throw new CustosError('UNLOCK_METHOD_NOT_FOUND', `this vault has no unlock method ${methodId}`);
        if (method.kind !== credentials.kind) throw new CustosError('INVALID_ARGUMENT', `unlock method ${methodId} is ${method.kind}, not ${credentials.kind}`);
        const rewrapper = rewrapperFor(credentials, listGate(approvals, 'Approve it when the app asks, then rotate again.'));
        if (rewrapper) rewrappers.set(methodId, rewrapper);
      }
      const newMasterKey = generateMasterKey();
      report('rotate', 'Re-wrapping every key and unlock method under the new master key', 0, 0);
      try {
        const rotated = await rotateMasterKey(keystore, { newMasterKey, rewrappers, drop });
        return keystore.oldSealedBytesRemain() ? { ...rotated, oldBytesRemain: true as const } : rotated;
      } finally {
        wipe(newMasterKey);
        report('rotate', 'Rotation finished', 1, 1);
      }
    },
  };
}
