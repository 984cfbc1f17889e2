import { randomBytes } from 'node:crypto';
import { CustosError } from '../../../shared/errors.js';

/** Parameters stored in the keystore beside what the passphrase wraps. */
export interface Argon2idParams {
  algorithm: 'argon2id';
  memoryKiB: number;
  iterations: number;
  parallelism: number;
  /** base64 */
  salt: string;
}

/** The floor below which a passphrase-derived key is refused outright. */
export const MIN_MEMORY_KIB = 8 * 1024;
export const MAX_MEMORY_KIB = 4 * 1024 * 1024;
export const DEFAULT_MEMORY_KIB = 256 * 1024;
export const MIN_ITERATIONS = 1;
export const MAX_ITERATIONS = 64;

export function validateArgon2idParams(params: Pick<Argon2idParams, 'memoryKiB' | 'iterations' | 'parallelism'>): void {
  const { memoryKiB, iterations, parallelism } = params;
  if (!Number.isInteger(memoryKiB) || memoryKiB < MIN_MEMORY_KIB || memoryKiB > MAX_MEMORY_KIB) {
    throw new CustosError('INVALID_ARGUMENT', `argon2id memory must be between ${MIN_MEMORY_KIB / 1024} and ${MAX_MEMORY_KIB / 1024} MiB`);
  }
  if (!Number.isInteger(iterations) || iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
    throw new CustosError('INVALID_ARGUMENT', `argon2id passes must be between ${MIN_ITERATIONS} and ${MAX_ITERATIONS}`);
  }
  if (!Number.isInteger(parallelism) || parallelism < 1 || parallelism > 16) {
    throw new CustosError('INVALID_ARGUMENT', 'argon2id parallelism must be between 1 and 16');
  }
}

export function newArgon2idParams(memoryKiB: number, iterations: number, parallelism = 1): Argon2idParams {
  validateArgon2idParams({ memoryKiB, iterations, parallelism });
  return { algorithm: 'argon2id', memoryKiB, iterations, parallelism, salt: randomBytes(16).toString('base64') };
}

/** Parses stored parameters; returns null (does not throw) when they are not well-formed argon2id parameters. */
export function parseArgon2idParams(json: string): Argon2idParams | null {
  try {
    const value = JSON.parse(json) as Partial<Argon2idParams>;
    if (value.algorithm !== 'argon2id' || typeof value.salt !== 'string' || Buffer.from(value.salt, 'base64').length < 16) return null;
    const params: Argon2idParams = { algorithm: 'argon2id', memoryKiB: Number(value.memoryKiB), iterations: Number(value.iterations), parallelism: Number(value.parallelism), salt: value.salt };
    validateArgon2idParams(params);
    return params;
  } catch {
    return null;
  }
}

export async function deriveFromPassphrase(passphrase: Uint8Array, params: Argon2idParams): Promise<Uint8Array> {
  validateArgon2idParams(params);
  // hash-wasm is imported on first use so that commands with no passphrase never load it.
  const { argon2id } = await import('hash-wasm');
  const out = await argon2id({
    password: passphrase,
    salt: new Uint8Array(Buffer.from(params.salt, 'base64')),
    memorySize: params.memoryKiB,
    iterations: params.iterations,
    parallelism: params.parallelism,
    hashLength: 32,
    outputType: 'binary',
  });
  return out;
}

/** Times one derivation of `passes` passes, in milliseconds. */
export type PassTimer = (passes: number) => Promise<number>;

const clampPasses = (passes: number): number => Math.min(Math.max(Math.floor(passes), 2), MAX_ITERATIONS);

/**
 * Picks the number of passes that makes one derivation take about `targetMs`,
 * as LUKS2 does at format time. A busy machine makes any single timing noisy,
 * so the estimate never rests on a difference of two timings (one noisy pair
 * once chose 64 passes, twenty seconds of argon2id): it divides the target by
 * the median cost of one pass (which includes filling memory, so it errs
 * low), then times the chosen count once and scales down if that overshot by half.
 */
export async function choosePasses(targetMs: number, time: PassTimer): Promise<number> {
  await time(1); // warm-up: the first run compiles the WebAssembly and grows its memory
  // The median of three: one timing made fast or slow by the machine's other work does not decide.
  const timings = [await time(1), await time(1), await time(1)].sort((a, b) => a - b);
  const onePass = Math.max(timings[1] ?? 1, 1);
  const passes = clampPasses(targetMs / onePass);
  const measured = await time(passes);
  return measured > targetMs * 1.5 ? clampPasses((passes * targetMs) / measured) : passes;
}

/**
 * Calibrates argon2id passes at the given memory cost to about `targetMs` on
 * this machine. `onStep` is called after each trial derivation (a caller's
 * progress display: each trial blocks the thread it runs on).
 */
export async function calibrateArgon2id(targetMs = 1000, memoryKiB = DEFAULT_MEMORY_KIB, onStep?: () => void): Promise<Argon2idParams> {
  const probe = new Uint8Array(16);
  const time: PassTimer = async (iterations) => {
    const start = performance.now();
    await deriveFromPassphrase(probe, { algorithm: 'argon2id', memoryKiB, iterations, parallelism: 1, salt: 'AAAAAAAAAAAAAAAAAAAAAA==' });
    const ms = performance.now() - start;
    onStep?.();
    return ms;
  };
  return newArgon2idParams(memoryKiB, await choosePasses(targetMs, time));
}
