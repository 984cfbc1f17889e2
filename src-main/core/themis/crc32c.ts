/**
 * CRC32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum Themis
 * puts in the header of its key containers (soter_crc32.c). Not a security
 * measure: it only tells a damaged key file from a sound one.
 */
const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** The standard CRC32C of `bytes` (check value of "123456789" is 0xE3069283). */
export function crc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
