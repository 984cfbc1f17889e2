import { CustosError } from '../../../shared/errors.js';
import { assertSupportedVersion, MIGRATIONS } from './migrations/index.js';
import { APPLICATION_ID, guardSqlite, newDatabase, readHeader, type Db } from './sqlite.js';

interface SchemaObject {
  type: string;
  name: string;
  sql: string | null;
}

const SCHEMA_QUERY = 'SELECT type, name, sql FROM sqlite_schema ORDER BY type, name';
const expected = new Map<number, Map<string, string | null>>();

/** The schema a keystore at `version` has: the migrations run on an empty in-memory database. */
function expectedSchema(version: number): Map<string, string | null> {
  const cached = expected.get(version);
  if (cached) return cached;
  // The same addon as the keystore's connection (in the app, Electron's build).
  const db = newDatabase(':memory:');
  try {
    for (const migration of MIGRATIONS.filter((m) => m.version <= version)) db.exec(migration.up);
    const objects = new Map((db.prepare(SCHEMA_QUERY).all() as SchemaObject[]).map((o) => [`${o.type} ${o.name}`, o.sql]));
    expected.set(version, objects);
    return objects;
  } finally {
    db.close();
  }
}

/**
 * Refuses a keystore whose schema is not exactly what its migrations make.
 * Someone who can write the file but not unlock it could otherwise plant a
 * trigger (say, one that copies sealed records aside before `keys destroy`
 * clears them) or loosen a CHECK constraint. Reads only.
 */
export function assertExpectedSchema(db: Db, version: number, path: string): void {
  const want = expectedSchema(version);
  const have = new Map((db.prepare(SCHEMA_QUERY).all() as SchemaObject[]).map((o) => [`${o.type} ${o.name}`, o.sql]));
  const problems: string[] = [];
  for (const [object, sql] of have) {
    if (!want.has(object)) problems.push(`unexpected ${object}`);
    else if (want.get(object) !== sql) problems.push(`altered ${object}`);
  }
  for (const object of want.keys()) if (!have.has(object)) problems.push(`missing ${object}`);
  if (problems.length > 0) {
    throw new CustosError('KEYSTORE_CORRUPT', `${path} does not have the schema Custos made (${problems.slice(0, 5).join('; ')}); refusing to use it`);
  }
}

/**
 * The checks every reader of a keystore file makes before anything else,
 * writing nothing: ours (application id), not newer than this build, and
 * with exactly the schema its migrations make. Returns its schema version.
 */
export function checkKeystoreFile(db: Db, path: string): number {
  const { applicationId, userVersion } = readHeader(db, path);
  if (applicationId !== APPLICATION_ID) throw new CustosError('NOT_A_KEYSTORE', `${path} is not a Custos keystore`);
  assertSupportedVersion(userVersion, path);
  guardSqlite(path, () => assertExpectedSchema(db, userVersion, path));
  return userVersion;
}
