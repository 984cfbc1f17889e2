import { CustosError } from '../../../../shared/errors.js';
import { pkcs11js, type Handle, type Pkcs11 } from './binding.js';
import { hsmCall, toHsmError } from './errors.js';
import { openModule } from './module.js';

/** Which token: by its label (what operators see) or by its position among slots that hold a token. */
export type TokenSelector = { label: string } | { slotIndex: number };

export interface HsmSessionOptions {
  modulePath: string;
  token: TokenSelector;
  /** The user PIN. Passed to C_Login only; never stored, logged or put in an error. */
  pin: string;
}

export interface HsmSession {
  readonly pkcs11: Pkcs11;
  readonly handle: Handle;
  readonly modulePath: string;
  readonly token: TokenSelector;
  readonly tokenLabel: string;
  /** Idempotent. Closing the application's last session on a token also logs it out (PKCS#11 §5.6). */
  close(): void;
}

/** Token labels are 32 bytes padded with spaces. */
function trimLabel(label: string): string {
  return label.replace(/[ \0]+$/, '');
}

function describeSelector(token: TokenSelector): string {
  return 'label' in token ? `token labelled "${token.label}"` : `token in slot index ${token.slotIndex}`;
}

function findSlot(pkcs11: Pkcs11, token: TokenSelector): { slot: Handle; label: string } {
  const slots = hsmCall('slots', () => pkcs11.C_GetSlotList(true));
  const withLabels = slots.map((slot) => ({ slot, label: trimLabel(hsmCall('slots', () => pkcs11.C_GetTokenInfo(slot)).label) }));
  if ('slotIndex' in token) {
    const found = Number.isInteger(token.slotIndex) && token.slotIndex >= 0 ? withLabels[token.slotIndex] : undefined;
    if (!found) throw new CustosError('HSM_TOKEN_NOT_FOUND', `no ${describeSelector(token)} (${slots.length} slots hold a token)`);
    return found;
  }
  const matches = withLabels.filter((s) => s.label === token.label);
  if (matches.length === 0) throw new CustosError('HSM_TOKEN_NOT_FOUND', `no ${describeSelector(token)}`);
  // Two tokens with one label: picking either could wrap under the wrong HSM; make the operator choose.
  if (matches.length > 1) throw new CustosError('HSM_TOKEN_NOT_FOUND', `${matches.length} tokens are labelled "${token.label}"; choose one by slot index`);
  return matches[0] as { slot: Handle; label: string };
}

/**
 * Loads the module, finds the token, opens a read-write session and logs in
 * as the user. Every failure releases what was acquired, so a wrong PIN or a
 * missing token leaves no session or initialised library behind.
 */
export function openHsmSession(options: HsmSessionOptions): HsmSession {
  const p = pkcs11js();
  const module = openModule(options.modulePath);
  const { pkcs11 } = module;
  let handle: Handle | undefined;
  try {
    const { slot, label } = findSlot(pkcs11, options.token);
    const opened = hsmCall('open-session', () => pkcs11.C_OpenSession(slot, p.CKF_SERIAL_SESSION | p.CKF_RW_SESSION));
    handle = opened;
    try {
      pkcs11.C_Login(opened, p.CKU_USER, options.pin);
    } catch (error) {
      const mapped = toHsmError(error, 'login');
      // Login state is per application and token: another open session of
      // this process already logged in (PKCS#11 has no way to re-check a PIN then).
      if (!/CKR_USER_ALREADY_LOGGED_IN/.test(mapped.message)) throw mapped;
    }
    let closed = false;
    return {
      pkcs11,
      handle: opened,
      modulePath: options.modulePath,
      token: options.token,
      tokenLabel: label,
      close() {
        if (closed) return;
        closed = true;
        try {
          pkcs11.C_CloseSession(opened);
        } catch {
          // A session the token already dropped (removed, finalised) needs no closing.
        } finally {
          module.release();
        }
      },
    };
  } catch (error) {
    if (handle) {
      try {
        pkcs11.C_CloseSession(handle);
      } catch {
        // Best effort: the error that got us here is the one to report.
      }
    }
    module.release();
    throw error;
  }
}

/** Opens a session, runs `fn`, and closes the session whatever happens. */
export async function withHsmSession<T>(options: HsmSessionOptions, fn: (session: HsmSession) => T | Promise<T>): Promise<T> {
  const session = openHsmSession(options);
  try {
    return await fn(session);
  } finally {
    session.close();
  }
}
