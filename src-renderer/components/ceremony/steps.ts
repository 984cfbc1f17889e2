import type { CeremonyState, CeremonyStep } from '../../../shared/ipc.js';

/** The eight steps a person goes through, in order ('done' is where they end). */
export const STEP_LABELS: ReadonlyArray<{ step: Exclude<CeremonyStep, 'done'>; label: string }> = [
  { step: 'air-gap', label: 'Air gap' },
  { step: 'roles', label: 'Roles' },
  { step: 'keys', label: 'Vault and keys' },
  { step: 'quorum', label: 'Quorum' },
  { step: 'print', label: 'Print' },
  { step: 'verify', label: 'Verify each sheet' },
  { step: 'backup', label: 'Backup' },
  { step: 'transcript', label: 'Transcript' },
];

export type StepStatus = 'done' | 'current' | 'pending';

export function statusOf(state: CeremonyState, step: CeremonyStep): StepStatus {
  const order = [...STEP_LABELS.map((s) => s.step), 'done'] as CeremonyStep[];
  const at = order.indexOf(state.step);
  const mine = order.indexOf(step);
  return mine < at ? 'done' : mine === at ? 'current' : 'pending';
}

export function labelOf(step: CeremonyStep): string {
  return STEP_LABELS.find((s) => s.step === step)?.label ?? 'Finished';
}

/** Names typed one a line (or separated by commas), blanks dropped. */
export function splitList(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
