import type { JsonValue } from './entry.js';

type Obj = { [field: string]: JsonValue };
const isObj = (v: JsonValue | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function keyList(keys: JsonValue[], fingerprints: boolean, more: JsonValue | undefined): string {
  const named = keys.map((k) => (isObj(k) ? `${String(k['name'])} v${String(k['version'])}${fingerprints ? ` ${String(k['fingerprint'])}` : ''}` : String(k)));
  return named.join(', ') + (typeof more === 'number' ? ` and ${more} more` : '');
}

function value(v: JsonValue): string {
  if (Array.isArray(v)) return `[${v.map((x) => (typeof x === 'object' && x !== null ? JSON.stringify(x) : String(x))).join(', ')}]`;
  return typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
}

/**
 * One line a person can read for an entry's subject: key lists as
 * "name vN", sheets as "custodian sheet", other fields as name=value.
 * With `fingerprints`, each key carries its fingerprint (the printed transcript does).
 */
export function summarizeSubject(subject: JsonValue, options: { fingerprints?: boolean } = {}): string {
  if (!isObj(subject)) return value(subject);
  const parts: string[] = [];
  for (const [field, v] of Object.entries(subject)) {
    if (field === 'more' || field === 'count') continue;
    if (field === 'keys' && Array.isArray(v)) parts.push(keyList(v, Boolean(options.fingerprints), subject['more']));
    else if (field === 'sheets' && Array.isArray(v)) parts.push(`sheets: ${v.map((s) => (isObj(s) ? `${String(s['custodian'] ?? '(no custodian)')} ${String(s['sheet'])}` : String(s))).join(', ')}`);
    else parts.push(`${field}=${value(v)}`);
  }
  return parts.join('  ');
}
