/** A numbered schema change; frozen once released (add a new one instead of editing). */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The newest schema version this build knows, per backend. */
export function latestVersion(migrations: readonly Migration[]): number {
  return migrations.reduce((max, m) => Math.max(max, m.version), 0);
}
