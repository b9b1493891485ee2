/*
 * PostgreSQL store URLs (postgres:// or postgresql://): what names a store (LABBOOK_STORE,
 * --store), and the forms of it that may be shown or used as a key, without its password.
 */

const POSTGRES_URL = /^postgres(ql)?:\/\//;

export function isPostgresUrl(text: string): boolean {
  return POSTGRES_URL.test(text);
}

/**
 * The URL as given, less its password: what the engine's socket is keyed by (the Python client
 * computes the same key, _engine_client.py). Textual, so both agree without parsing alike.
 */
export function withoutPassword(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:@/]*):[^@/]*@/, '$1@');
}

/** The URL for messages: its password shown as ***. */
export function redactedUrl(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:@/]*):[^@/]*@/, '$1:***@');
}
