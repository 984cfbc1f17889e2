import { networkInterfaces } from 'node:os';
import type { NetworkStatus } from '../../shared/ipc.js';

type Interfaces = ReturnType<typeof networkInterfaces>;

/**
 * The air-gap check: every non-loopback address the OS reports. Node lists
 * only interfaces that have an address, which is what "up and usable" means
 * for an air gap; a cable plugged in without DHCP shows once it gets one
 * (including an IPv6 link-local address, which is enough to talk to a LAN).
 */
export function networkStatus(read: () => Interfaces = networkInterfaces): NetworkStatus {
  const interfaces: NetworkStatus['interfaces'] = [];
  for (const [name, addresses] of Object.entries(read())) {
    for (const a of addresses ?? []) {
      if (a.internal) continue;
      interfaces.push({ name: name.slice(0, 64), address: a.address.slice(0, 64), family: a.family === 'IPv6' ? 'IPv6' : 'IPv4' });
    }
  }
  return { airGapped: interfaces.length === 0, interfaces };
}
