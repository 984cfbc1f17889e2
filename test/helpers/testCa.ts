/**
 * A throwaway certificate authority and a server certificate for 127.0.0.1
 * and localhost, made with the openssl command line in a temporary folder,
 * so TLS tests exercise real chain and host-name checks.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCa {
  caPem: string;
  serverCert: string;
  serverKey: string;
}

export function opensslAvailable(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

/** `altNames` is what the server certificate is valid for (openssl subjectAltName syntax). */
export function makeTestCa(commonName = 'Custos test CA', altNames = 'IP:127.0.0.1,DNS:localhost'): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'custos-ca-'));
  const f = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  try {
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    openssl('req', '-x509', ...ec, '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '2', '-subj', `/CN=${commonName}`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
    openssl('req', ...ec, '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', '/CN=127.0.0.1');
    writeFileSync(f('ext.cnf'), `subjectAltName=${altNames}\nextendedKeyUsage=serverAuth\n`);
    openssl('x509', '-req', '-in', f('server.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '2', '-out', f('server.pem'), '-extfile', f('ext.cnf'));
    return { caPem: readFileSync(f('ca.pem'), 'utf8'), serverCert: readFileSync(f('server.pem'), 'utf8'), serverKey: readFileSync(f('server.key'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
