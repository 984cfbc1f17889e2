/**
 * The process a secrets-in-memory run dumps: the app's real core worker
 * (built dist/ worker thread, real SQLite) driven the way the app drives it.
 * It unlocks with a master key file, does some work that opens records,
 * says "unlocked", locks when told, says "locked" and waits to be dumped. Plain Node on purpose:
 * no test runner in the process, so every byte in the dump is the app's.
 *
 * argv: <repo root> <vault path> <master key file> <client id>
 */
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

const [root, vault, keyFile, clientId] = process.argv.slice(2);
const dist = (...p) => pathToFileURL(join(root, 'dist', 'src-main', ...p)).href;
const { startCore } = await import(dist('ipc', 'worker', 'coreClient.js'));
const core = startCore({ workerUrl: new URL(dist('ipc', 'worker', 'coreWorker.js')) });

await core.call('unlockKeyFile', { path: vault, keyFile });
// Opening records and deriving per-record material: the work a session does.
const created = await core.call('generate', { requests: [{ scope: 'client', clientId }] });
await core.call('list', {});
for (const key of created) {
  await core.call('get', { name: key.name });
  if (key.algorithm !== 'symmetric') await core.call('publicPem', { name: key.name, version: key.version }).catch(() => null);
}
await core.call('rotate', { name: created[0].name });

// The test dumps us once unlocked (its control: the search finds the keys
// there) and once after the lock; a line on stdin moves us on.
const lines = (async function* () {
  let buffered = '';
  for await (const data of process.stdin) {
    buffered += data;
    while (buffered.includes('\n')) {
      const at = buffered.indexOf('\n');
      yield buffered.slice(0, at);
      buffered = buffered.slice(at + 1);
    }
  }
})();
process.stdout.write('unlocked\n');
await lines.next();
await core.call('lock', {});
process.stdout.write('locked\n');
// Stay alive, worker included, until the test has dumped us.
await lines.next();
await core.close();
process.exit(0);
