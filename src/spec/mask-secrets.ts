import { envReferenceOf } from './env-reference.js';
import { isPlainObject } from './json-value.js';
import type { JsonValue } from './types.js';

/**
 * A raw spec as the HTTP API shows it: the credentials in its `notify:` masked. A webhook
 * URL keeps its scheme and host (a Slack hook's path is its password), an SMTP URL loses its
 * login; a `${env:NAME}` reference is shown as written, since it holds no secret.
 */
export function maskSpecSecrets(spec: JsonValue): JsonValue {
  if (!isPlainObject(spec) || !Array.isArray(spec.notify)) return spec;
  return { ...spec, notify: spec.notify.map(maskEntry) };
}

function maskEntry(entry: JsonValue): JsonValue {
  if (!isPlainObject(entry)) return entry;
  const masked: Record<string, JsonValue> = { ...(entry as Record<string, JsonValue>) };
  if (typeof masked.webhook === 'string') masked.webhook = maskUrl(masked.webhook, 'path');
  const email = masked.email;
  if (isPlainObject(email) && typeof email.smtp === 'string') masked.email = { ...email, smtp: maskUrl(email.smtp, 'login') };
  return masked;
}

/** The URL without what is secret in it; a reference stays, anything unparsable is hidden whole. */
export function maskUrl(text: string, secret: 'path' | 'login'): string {
  if (envReferenceOf(text) !== undefined) return text;
  if (!URL.canParse(text)) return '…';
  const url = new URL(text);
  if (secret === 'path') return `${url.protocol}//${url.host}${url.pathname.length > 1 || url.search ? '/…' : ''}`;
  const login = url.username || url.password ? '…@' : '';
  return `${url.protocol}//${login}${url.host}${url.pathname.length > 1 ? url.pathname : ''}`;
}
