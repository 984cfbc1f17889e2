/**
 * An SVG QR code holding exactly `text` (byte mode), so any SLIP-0039 tool that
 * scans QR codes reads the mnemonic as typed. Level M survives a smudge or a
 * fold line on paper while keeping modules large enough to print at 60 mm.
 */
export async function qrSvg(text: string): Promise<string> {
  // Imported on first use so that commands printing no sheet never load it.
  const QRCode = await import('qrcode');
  return QRCode.toString([{ data: Buffer.from(text, 'utf8'), mode: 'byte' }], { type: 'svg', errorCorrectionLevel: 'M', margin: 4 });
}
