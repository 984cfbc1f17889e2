import type { KeyInfo } from '../../../shared/keys';

/** Who a key belongs to, as the list and the details pane both say it. */
export const ownerLabel = (k: Pick<KeyInfo, 'clientId' | 'zoneId'>): string => (k.clientId ? `client ${k.clientId}` : k.zoneId ? `zone ${k.zoneId}` : 'global');
