/**
 * Deterministic identifiers. The simulation never uses randomness: uids, pod name suffixes,
 * template hashes, IPs and container ids are all derived from stable hashes of their inputs,
 * so the same scenario produces byte-identical state on every run.
 */
import { createHash } from 'node:crypto';

/** The alphabet Kubernetes uses for generated name suffixes (no vowels, no confusable digits). */
const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function digest(input: string): Buffer {
  return createHash('sha256').update(input).digest();
}

/** Hex digest of the input (64 characters), cut to `length`. */
export function stableHex(input: string, length = 64): string {
  return digest(input).toString('hex').slice(0, length);
}

/** A UUID-shaped uid derived from the input. */
export function stableUid(input: string): string {
  const hex = stableHex(input, 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A name suffix in Kubernetes' safe alphabet, e.g. the `x7k2p` of `web-6d4b9c8f5d-x7k2p`. */
export function stableSuffix(input: string, length = 5): string {
  const bytes = digest(input);
  let out = '';
  for (let i = 0; i < length; i++) out += SAFE_ALPHABET[(bytes[i % bytes.length] ?? 0) % SAFE_ALPHABET.length];
  return out;
}

/** A 32-bit unsigned integer derived from the input. */
export function stableNumber(input: string): number {
  return digest(input).readUInt32BE(0);
}
