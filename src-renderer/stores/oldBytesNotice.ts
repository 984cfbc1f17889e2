const OLD_RECORDS = {
  destroyed: "the destroyed keys' old sealed bytes",
  replaced: "the replaced keys' old sealed bytes",
  rotated: 'the key records sealed under the old master key',
} as const;

/**
 * When another process (a `custos` command) was using the vault as a
 * destroy, an import that replaced keys or a master-key rotation finished,
 * SQLite could not yet write over the old records' pages (core
 * Keystore.checkpoint): the app says so, and what finishes it.
 */
export function oldBytesNotice(which: keyof typeof OLD_RECORDS): string {
  return (
    `Another process (a custos command) was using this vault, so ${OLD_RECORDS[which]} are still on disk. ` +
    "The vault file's old pages are written over when the last process using it closes it: once that command has finished, lock the vault."
  );
}

/** The status line after a destroy (`keys:destroy` answers a DestroyedKey). */
export function destroyedStatus(name: string, result: { oldBytesRemain?: true | undefined }): string {
  return result.oldBytesRemain ? `Destroyed ${name}. ${oldBytesNotice('destroyed')}` : `Destroyed ${name}`;
}
