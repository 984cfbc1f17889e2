import type { LockReason } from '../../../shared/ipc.js';

interface PowerEvents {
  on(event: 'suspend' | 'lock-screen', listener: () => void): unknown;
}

/** Locks the vault when the machine sleeps or its screen locks: an unattended laptop holds no open keys. */
export function lockOnSystemEvents(power: PowerEvents, lock: (reason: LockReason) => void): void {
  power.on('suspend', () => lock('suspend'));
  power.on('lock-screen', () => lock('lock-screen'));
}
