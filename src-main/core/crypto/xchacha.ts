import { hchacha, xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { createCipheriv, createDecipheriv, getCiphers } from 'node:crypto';
import { endianness } from 'node:os';

/**
 * XChaCha20-Poly1305, the one AEAD of key records and bundle chunks, in two
 * implementations that give the same bytes: noble's, and OpenSSL's IETF
 * ChaCha20-Poly1305 under an HChaCha20 subkey, as the construction is
 * specified (draft-irtf-cfrg-xchacha): HChaCha20 of the key and the nonce's
 * first 16 bytes (noble's function) is the subkey; four zero bytes and the
 * nonce's last 8 are the IETF nonce. On the 2-core test machine OpenSSL
 * opens a 32-byte record in about 6 µs where noble takes about 18 (most of
 * noble's time on short messages is its own set-up), and a 64 KiB chunk
 * several times faster.
 *
 * The native one is used only where Node's OpenSSL has the cipher (Electron's
 * BoringSSL does not list it), on a little-endian machine (the word views
 * below), and after it has given the specification's own test vector here;
 * elsewhere noble does all of it.
 */
export const TAG_BYTES = 16;
export const NONCE_BYTES = 24;

export interface XChaCha {
  /** Ciphertext then tag, written into `into` when given (it must hold plaintext + 16 bytes). */
  seal(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array, into?: Uint8Array): Uint8Array;
  /** Returns null (does not throw) when the ciphertext does not open. */
  open(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Uint8Array | null;
}

function checkSizes(key: Uint8Array, nonce: Uint8Array): void {
  if (key.length !== 32) throw new RangeError('XChaCha20-Poly1305 takes a 32-byte key');
  if (nonce.length !== NONCE_BYTES) throw new RangeError('XChaCha20-Poly1305 takes a 24-byte nonce');
}

// Both implementations refuse a key or nonce of another size (a caller's mistake) with a RangeError, and
// answer null only for a ciphertext that does not open.
const noble: XChaCha = {
  seal: (key, nonce, aad, plaintext, into) => {
    checkSizes(key, nonce);
    return xchacha20poly1305(key, nonce, aad).encrypt(plaintext, into);
  },
  open: (key, nonce, aad, ciphertext) => {
    checkSizes(key, nonce);
    try {
      return xchacha20poly1305(key, nonce, aad).decrypt(ciphertext);
    } catch {
      return null;
    }
  },
};

/** 'expand 32-byte k' as little-endian words, as HChaCha20 takes it. */
const SIGMA = new Uint32Array([0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]);
// Scratch space for one call at a time (everything here is synchronous); the subkey is wiped after each use.
const keyWords = new Uint32Array(8);
const subkeyBytes = Buffer.from(keyWords.buffer);
const nonceWords = new Uint32Array(4);
const nonceBytes = new Uint8Array(nonceWords.buffer);
const ietfNonce = Buffer.alloc(12);

/** Sets subkeyBytes and ietfNonce for (key, nonce). */
function derive(key: Uint8Array, nonce: Uint8Array): void {
  checkSizes(key, nonce);
  subkeyBytes.set(key);
  nonceBytes.set(nonce.subarray(0, 16));
  hchacha(SIGMA, keyWords, nonceWords, keyWords);
  ietfNonce.set(nonce.subarray(16, 24), 4);
}

const native: XChaCha = {
  seal: (key, nonce, aad, plaintext, into) => {
    if (into && into.length !== plaintext.length + TAG_BYTES) throw new RangeError('the output must hold the ciphertext and its tag exactly');
    derive(key, nonce);
    try {
      const cipher = createCipheriv('chacha20-poly1305', subkeyBytes, ietfNonce, { authTagLength: TAG_BYTES });
      cipher.setAAD(aad, { plaintextLength: plaintext.length });
      const out = into ?? new Uint8Array(plaintext.length + TAG_BYTES);
      const body = cipher.update(plaintext);
      out.set(body);
      out.set(cipher.final(), body.length);
      out.set(cipher.getAuthTag(), plaintext.length);
      return out;
    } finally {
      subkeyBytes.fill(0);
    }
  },
  open: (key, nonce, aad, ciphertext) => {
    derive(key, nonce);
    let plain: Buffer | null = null;
    try {
      if (ciphertext.length < TAG_BYTES) return null;
      const length = ciphertext.length - TAG_BYTES;
      const decipher = createDecipheriv('chacha20-poly1305', subkeyBytes, ietfNonce, { authTagLength: TAG_BYTES });
      decipher.setAAD(aad, { plaintextLength: length });
      decipher.setAuthTag(ciphertext.subarray(length));
      plain = decipher.update(ciphertext.subarray(0, length));
      let rest: Buffer;
      try {
        rest = decipher.final();
      } catch {
        return null; // the tag does not verify: nothing decrypted is returned (any other failure throws)
      }
      const out = new Uint8Array(length);
      out.set(plain);
      out.set(rest, plain.length);
      return out;
    } finally {
      plain?.fill(0);
      subkeyBytes.fill(0);
    }
  },
};

/** draft-irtf-cfrg-xchacha-03, appendix A.3.1: key 80..9f, nonce 40..57, the "sunscreen" plaintext. */
const KNOWN_ANSWER = {
  aad: '50515253c0c1c2c3c4c5c6c7',
  nonce: '404142434445464748494a4b4c4d4e4f5051525354555657',
  plaintext: "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.",
  sealed:
    'bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b4522f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff921f9664c97637da9768812f615c68b13b52e' +
    'c0875924c1c7987947deafd8780acf49',
};

/** Whether `impl` seals and opens the specification's vector exactly (and refuses it with a changed tag). */
export function givesKnownAnswer(impl: XChaCha): boolean {
  try {
    const key = Uint8Array.from({ length: 32 }, (_, i) => 0x80 + i);
    const nonce = Buffer.from(KNOWN_ANSWER.nonce, 'hex');
    const aad = Buffer.from(KNOWN_ANSWER.aad, 'hex');
    const plaintext = Buffer.from(KNOWN_ANSWER.plaintext, 'latin1');
    const sealed = Buffer.from(KNOWN_ANSWER.sealed, 'hex');
    if (!Buffer.from(impl.seal(key, nonce, aad, plaintext)).equals(sealed)) return false;
    const opened = impl.open(key, nonce, aad, sealed);
    if (!opened || !Buffer.from(opened).equals(plaintext)) return false;
    const forged = Buffer.from(sealed);
    forged[forged.length - 1] = (forged[forged.length - 1] ?? 0) ^ 1;
    return impl.open(key, nonce, aad, forged) === null;
  } catch {
    return false;
  }
}

const nativeUsable = getCiphers().includes('chacha20-poly1305') && endianness() === 'LE' && givesKnownAnswer(native);

/** Both implementations, for tests that hold them to the same bytes; `native` is null where it is not used. */
export const XCHACHA_IMPLEMENTATIONS = { noble, native: nativeUsable ? native : null } as const;

/** The implementation this process uses. */
export const xchacha: XChaCha = nativeUsable ? native : noble;
