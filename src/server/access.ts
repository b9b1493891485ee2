import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { HttpForbiddenError, HttpUnauthorizedError, UsageError } from '../errors.js';

/**
 * Who may use the HTTP API (docs/http.md, "Access"). On a loopback address without tokens,
 * anyone on this machine, as for the engine's socket minus the uid check; anywhere else, or
 * once a token is given, only requests that carry a token: in `Authorization: Bearer …` or in
 * the cookie the dashboard gets from its first URL (`/?token=…`). A read-only token reads.
 */
export interface AccessOptions {
  host: string;
  token?: string | undefined;
  readOnlyToken?: string | undefined;
}

export interface AccessPolicy {
  /** Null when the API asks for no token (loopback, none given). */
  token: string | null;
  readOnlyToken: string | null;
  /** The full token was made here (none was given): it is printed once, for the user to pass on. */
  generated: boolean;
}

export const TOKEN_COOKIE = 'labbook_token';
const MIN_TOKEN_LENGTH = 16;

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return bare === '::1';
}

export function accessPolicy(options: AccessOptions): AccessPolicy {
  for (const [option, value] of [
    ['--token', options.token],
    ['--read-only-token', options.readOnlyToken],
  ] as const) {
    if (value !== undefined && (value.length < MIN_TOKEN_LENGTH || !/^[\x21-\x7e]+$/.test(value))) {
      throw new UsageError(
        `${option}: a token is at least ${MIN_TOKEN_LENGTH} printable characters without spaces; leave it out to get one made`,
      );
    }
  }
  if (options.token !== undefined && options.token === options.readOnlyToken) {
    throw new UsageError('--token and --read-only-token are the same: give two different tokens');
  }
  const needsToken = !isLoopbackHost(options.host) || options.readOnlyToken !== undefined;
  const token = options.token ?? (needsToken ? randomBytes(24).toString('base64url') : null);
  return { token, readOnlyToken: options.readOnlyToken ?? null, generated: options.token === undefined && token !== null };
}

export interface RequestCredentials {
  authorization?: string | undefined;
  cookie?: string | undefined;
  /** The Host header: on an open loopback API it must name this machine (no DNS rebinding). */
  host?: string | undefined;
  /** The Origin header of a write: a page of another site may not change runs. */
  origin?: string | undefined;
}

/** What a request may do: throws when it may not do what it asks. */
export function checkAccess(policy: AccessPolicy, request: RequestCredentials, writes: boolean): void {
  if (writes && request.origin !== undefined && request.host !== undefined && !sameOrigin(request.origin, request.host)) {
    throw new HttpForbiddenError(`a page of ${request.origin} may not change runs here; use the dashboard this server serves`);
  }
  if (policy.token === null) {
    const name = request.host?.replace(/:\d+$/, '') ?? '';
    if (!isLoopbackHost(name)) {
      throw new HttpForbiddenError(`this server answers requests for 127.0.0.1 or localhost only, not for '${name}'`);
    }
    return;
  }
  const given = bearerToken(request.authorization) ?? cookieToken(request.cookie);
  if (given !== undefined && matches(given, policy.token)) return;
  if (given !== undefined && policy.readOnlyToken !== null && matches(given, policy.readOnlyToken)) {
    if (!writes) return;
    throw new HttpForbiddenError('this token may only read; changing runs needs the full token (--token of labbook serve)');
  }
  throw new HttpUnauthorizedError(
    given === undefined
      ? "this server asks for a token: send 'Authorization: Bearer TOKEN', or open the URL labbook serve printed (it has ?token=)"
      : 'the token is not valid for this server; use the one labbook serve printed',
  );
}

/** Compares in constant time, whatever the lengths. */
function matches(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function bearerToken(header: string | undefined): string | undefined {
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1];
}

function cookieToken(header: string | undefined): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const [name, ...value] = part.trim().split('=');
    if (name === TOKEN_COOKIE) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

function sameOrigin(origin: string, host: string): boolean {
  return URL.canParse(origin) && new URL(origin).host === host;
}
