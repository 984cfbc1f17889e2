import { useAcraStore } from './acra';
import { useAcraRemoteStore } from './acraRemote';
import { useAuditStore } from './audit';
import { useBackupsStore } from './backups';
import { useCeremonyStore } from './ceremony';
import { useKeysStore } from './keys';
import { useMasterKeyStore } from './masterKey';
import { useNetworkStore } from './network';
import { useProgressStore } from './progress';
import { useRestoreStore } from './restore';
import { useSessionStore } from './session';
import { useSettingsStore } from './settings';

/** On lock every store goes back to its empty state: nothing of the vault stays on screen or in memory here. */
export function resetAllStores(): void {
  useAuditStore().$reset();
  useBackupsStore().$reset();
  useAcraStore().$reset();
  useAcraRemoteStore().$reset();
  useCeremonyStore().$reset();
  useKeysStore().$reset();
  useMasterKeyStore().$reset();
  useSessionStore().$reset();
  useSettingsStore().$reset();
  useProgressStore().$reset();
  useRestoreStore().$reset();
  useNetworkStore().$reset();
}
