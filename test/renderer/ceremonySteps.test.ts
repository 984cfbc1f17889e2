import { describe, expect, it } from 'vitest';
import type { CeremonyState } from '../../shared/ipc.js';
import { labelOf, splitList, statusOf, STEP_LABELS } from '../../src-renderer/components/ceremony/steps.js';

const at = (step: CeremonyState['step']) => ({ step }) as CeremonyState;

describe('the ceremony step list', () => {
  it('marks the steps before the current one done and the ones after it pending', () => {
    expect(STEP_LABELS.map((s) => statusOf(at('quorum'), s.step))).toEqual(['done', 'done', 'done', 'current', 'pending', 'pending', 'pending', 'pending']);
    expect(STEP_LABELS.map((s) => statusOf(at('air-gap'), s.step))).toEqual(['current', ...Array(7).fill('pending')]);
    // Finished: every step done, none current.
    expect(STEP_LABELS.every((s) => statusOf(at('done'), s.step) === 'done')).toBe(true);
  });
  it('names the steps as the issue does', () => {
    expect(STEP_LABELS.map((s) => s.label)).toEqual(['Air gap', 'Roles', 'Vault and keys', 'Quorum', 'Print', 'Verify each sheet', 'Backup', 'Transcript']);
    expect(labelOf('done')).toBe('Finished');
  });
  it('reads names one a line or comma-separated, dropping blanks and spaces around them', () => {
    expect(splitList(' Ada Lovelace \n\nBo, Cy ,\n')).toEqual(['Ada Lovelace', 'Bo', 'Cy']);
    expect(splitList('   ')).toEqual([]);
  });
});
