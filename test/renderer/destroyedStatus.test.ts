/** The status line the keys view shows after a destroy (src-renderer/stores/destroyedStatus.ts). */
import { describe, expect, it } from 'vitest';
import { destroyedStatus } from '../../src-renderer/stores/destroyedStatus.js';

describe('the status after a destroy', () => {
  it('is a plain confirmation when the checkpoint finished', () => {
    expect(destroyedStatus('orders_hmac', {})).toBe('Destroyed orders_hmac');
  });

  it('says the old bytes are still on disk, and what writes over them, when another process was reading', () => {
    const line = destroyedStatus('orders_hmac', { oldBytesRemain: true });
    expect(line).toMatch(/^Destroyed orders_hmac, but another process/);
    expect(line).toContain('old sealed bytes are still on disk');
    expect(line).toContain('lock the vault');
  });
});
