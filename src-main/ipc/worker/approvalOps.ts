import { storedMethodTarget, type StoredTarget } from '../../core/config/storedTargets.js';

/**
 * What main asks before it uses a stored unlock method: the module or Vault
 * address the method names, read from the file (the worker owns SQLite), so
 * main can show it in its own dialog and record an approval there.
 */
export interface ApprovalOps {
  methodTarget: { args: { path: string; methodId: number }; result: StoredTarget | null };
}

type Impl = { [K in keyof ApprovalOps]: (args: ApprovalOps[K]['args']) => ApprovalOps[K]['result'] };

export function approvalOps(): Impl {
  return { methodTarget: ({ path, methodId }) => storedMethodTarget(path, methodId) };
}
