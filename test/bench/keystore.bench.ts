/**
 * Issue 2 figures: keys generated per second for the full Acra catalogue of
 * 1,000 client ids (6,000 keys), and `custos check` time over them.
 */
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { checkKeystore } from '../../src-main/core/check/check.js';
import { createKeystore } from '../../src-main/core/keystore/create.js';
import { openKeystore } from '../../src-main/core/keystore/open.js';
import { generateMasterKey } from '../../src-main/core/masterkey/masterKey.js';
import { calibrateArgon2id, deriveFromPassphrase } from '../../src-main/core/crypto/kdf.js';
import { fmt, peakRssMiB, row, timed } from './measure.js';

const CLIENTS = 1000;
const dir = mkdtempSync(join(tmpdir(), 'custos-bench-'));
try {
  const masterKey = generateMasterKey();
  const unlock = () => ({ kind: 'master-key' as const, masterKey: new Uint8Array(masterKey) });
  const ids = Array.from({ length: CLIENTS }, (_, i) => `client-${String(i).padStart(5, '0')}`);

  row('', 'keys', 'ms', 'keys/s');

  // As the CLI does it: one `keys generate --client-id ID --all` (one transaction, one fsync) per client.
  const perClientPath = join(dir, 'per-client.db');
  await createKeystore(perClientPath, { masterKey });
  const ks = await openKeystore(perClientPath, unlock());
  const perClient = await timed(() => {
    let n = 0;
    for (const clientId of ids) n += ks.generate([{ scope: 'client', clientId }]).length;
    return n;
  });
  row('generate, one transaction per client id', perClient.value, fmt(perClient.ms), fmt((perClient.value / perClient.ms) * 1000, 0));

  const check = await timed(() => checkKeystore(ks));
  if (check.value.problems.length > 0) throw new Error('check found problems in a fresh keystore');
  row('check (open every record)', check.value.opened, fmt(check.ms), fmt((check.value.opened / check.ms) * 1000, 0));
  ks.close();

  // The same catalogue in a single transaction (what a scripted ceremony can ask for).
  const batchPath = join(dir, 'batch.db');
  await createKeystore(batchPath, { masterKey });
  const batchKs = await openKeystore(batchPath, unlock());
  const batch = await timed(() => batchKs.generate(ids.map((clientId) => ({ scope: 'client' as const, clientId }))).length);
  row('generate, all 1,000 client ids in one transaction', batch.value, fmt(batch.ms), fmt((batch.value / batch.ms) * 1000, 0));
  batchKs.close();

  const calibration = await timed(() => calibrateArgon2id());
  const p = calibration.value;
  row(`argon2id calibration (${p.memoryKiB / 1024} MiB)`, `${p.iterations} passes`, fmt(calibration.ms), '');
  const unlockCost = await timed(() => deriveFromPassphrase(new TextEncoder().encode('passphrase'), p));
  row('one passphrase unlock at the calibrated cost', '', fmt(unlockCost.ms), '');
  console.log(`peak RSS ${fmt(peakRssMiB())} MiB`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
