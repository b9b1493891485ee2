import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import type { IncomingMessage } from 'node:http';
import type { LookupFunction } from 'node:net';
import { ipLiteralOf, isLinkLocalAddress, linkLocalRefusal } from '../util/link-local.js';

export interface HttpAnswer {
  status: number;
  statusText: string;
}

/** Resolves a host name to its addresses, as dns.lookup with `all: true` does; tests give their own. */
export type ResolveHost = (hostname: string, options: LookupAllOptions) => Promise<LookupAddress[]>;

export interface PostOptions {
  timeoutMs: number;
  /** Post to link-local addresses too (see util/link-local.ts); refused by default. */
  allowLinkLocal?: boolean;
  resolve?: ResolveHost;
}

const resolveWithDns: ResolveHost = (hostname, options) =>
  new Promise((resolve, reject) => dnsLookup(hostname, options, (error, addresses) => (error ? reject(error) : resolve(addresses))));

/**
 * POSTs a JSON text with node:http(s), which follows no redirect (a redirected POST that
 * fetch turns into a GET without the body is a failure here, as it should be). Unless allowed,
 * a link-local address is refused before any connection: a literal one at once, a host name's
 * when it resolves (the address connected to is the one checked). Rejects with what went wrong
 * in a word or a sentence (`ECONNREFUSED`, `timed out after 5s`); the answer's body is read to
 * its end, so that the connection is released, and dropped.
 */
export async function postJson(url: string, json: string, options: PostOptions): Promise<HttpAnswer> {
  const target = new URL(url);
  const literal = ipLiteralOf(target.hostname);
  if (!options.allowLinkLocal && literal !== undefined && isLinkLocalAddress(literal)) {
    throw new Error(linkLocalRefusal(literal));
  }
  // Loaded on the first notice: node:http(s) cost every labbook command ~40 ms of start-up.
  const { request: send } = target.protocol === 'https:' ? await import('node:https') : await import('node:http');
  return new Promise((resolve, reject) => {
    const signal = AbortSignal.timeout(options.timeoutMs);
    const fail = (error: Error): void =>
      reject(new Error(signal.aborted ? `timed out after ${options.timeoutMs / 1000}s` : problemOf(error), { cause: error }));
    const request = send(
      target,
      {
        method: 'POST',
        // A length, as fetch sent, rather than a chunked body, which some servers refuse.
        headers: { 'content-type': 'application/json', 'user-agent': 'labbook', 'content-length': Buffer.byteLength(json) },
        signal,
        lookup: guardedLookup(options.resolve ?? resolveWithDns, options.allowLinkLocal ?? false),
      },
      (response: IncomingMessage) => {
        response.on('error', fail);
        response.on('end', () => resolve({ status: response.statusCode ?? 0, statusText: response.statusMessage ?? '' }));
        response.resume();
      },
    );
    request.on('error', fail);
    request.end(json);
  });
}

/** A lookup for net.connect that resolves with `resolve` and refuses a name with a link-local address among its addresses. */
function guardedLookup(resolve: ResolveHost, allowLinkLocal: boolean): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }).then(
      (addresses) => {
        const refused = allowLinkLocal ? undefined : addresses.find((a) => isLinkLocalAddress(a.address));
        if (refused) callback(new Error(`${hostname} resolves to ${linkLocalRefusal(refused.address)}`), '', 0);
        else if (options.all) callback(null, addresses);
        else if (addresses[0]) callback(null, addresses[0].address, addresses[0].family);
        else callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
}

/** The code of a system or TLS error (`ECONNREFUSED`, `UNABLE_TO_VERIFY_LEAF_SIGNATURE`), else its message. */
function problemOf(error: Error): string {
  const { code } = error as NodeJS.ErrnoException;
  return typeof code === 'string' ? code : error.message;
}
