/** What the app says after a destroy or an import whose checkpoint another process held up (src-renderer/stores/oldBytesNotice.ts). */
import { describe, expect, it } from 'vitest';
import { destroyedStatus, oldBytesNotice } from '../../src-renderer/stores/oldBytesNotice.js';

describe('the notice that old sealed bytes remain', () => {
  it('is absent from a destroy whose checkpoint finished', () => {
    expect(destroyedStatus('orders_hmac', {})).toBe('Destroyed orders_hmac');
  });

  it('says the old bytes are still on disk, and what writes over them, when another process was using the vault', () => {
    const line = destroyedStatus('orders_hmac', { oldBytesRemain: true });
    expect(line).toMatch(/^Destroyed orders_hmac\. Another process/);
    expect(line).toContain("destroyed keys' old sealed bytes are still on disk");
    expect(line).toContain('lock the vault');
    expect(oldBytesNotice('replaced')).toContain("replaced keys' old sealed bytes are still on disk");
    expect(oldBytesNotice('rotated')).toContain('key records sealed under the old master key are still on disk');
  });
});
