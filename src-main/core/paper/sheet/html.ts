/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Groups hex into blocks of 4 for reading aloud: `3f2a-91c0-…`. */
export function groupHex(hex: string): string {
  return hex.match(/.{1,4}/g)?.join('-') ?? hex;
}
