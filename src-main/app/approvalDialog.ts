import { dialog, type BrowserWindow } from 'electron';
import { describeTarget, type ApprovalTarget } from '../core/config/approvals.js';

/**
 * Main's own confirmation for a PKCS#11 module or Vault server that a stored
 * unlock method names. A native dialog, not a page: a compromised renderer
 * can neither answer it nor draw over it. "Cancel" is the default button.
 */
export async function confirmApproval(win: BrowserWindow | null, target: ApprovalTarget): Promise<boolean> {
  const module = target.kind === 'pkcs11-module';
  const options = {
    type: 'warning' as const,
    title: module ? 'Approve a PKCS#11 module?' : 'Approve a Vault server?',
    message: module ? 'This vault asks Custos to load a PKCS#11 module' : 'This vault asks Custos to send a Vault token to a server',
    detail: `${describeTarget(target)}.\n\nA vault file can be crafted by anyone. Approve only a ${module ? 'module you installed yourself' : 'server you expected'}; it is remembered for this installation.`,
    buttons: ['Cancel', 'Approve'],
    defaultId: 0,
    cancelId: 0,
    noLink: true,
  };
  const { response } = win ? await dialog.showMessageBox(win, options) : await dialog.showMessageBox(options);
  return response === 1;
}
