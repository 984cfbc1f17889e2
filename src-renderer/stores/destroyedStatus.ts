/**
 * The status line after a destroy (`keys:destroy` answers a DestroyedKey).
 * When another process (a `custos` command) was using the vault, SQLite
 * could not yet write over the destroyed records' pages, and the line says so
 * and what finishes it.
 */
export function destroyedStatus(name: string, result: { oldBytesRemain?: true | undefined }): string {
  if (!result.oldBytesRemain) return `Destroyed ${name}`;
  return (
    `Destroyed ${name}, but another process (a custos command) was using this vault, so the old sealed bytes are still on disk. ` +
    "The vault file's old pages are written over when the last process using it closes it: once that command has finished, lock the vault."
  );
}
