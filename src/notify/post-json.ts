import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface HttpAnswer {
  status: number;
  statusText: string;
}

/**
 * POSTs a JSON text with node:http(s), which follows no redirect (a redirected POST that
 * fetch turns into a GET without the body is a failure here, as it should be). Rejects with
 * what went wrong in a word or two (`ECONNREFUSED`, `timed out after 5s`); the answer's body is
 * read to its end, so that the connection is released, and dropped.
 */
export function postJson(url: string, json: string, timeoutMs: number): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const signal = AbortSignal.timeout(timeoutMs);
    const fail = (error: Error): void =>
      reject(new Error(signal.aborted ? `timed out after ${timeoutMs / 1000}s` : problemOf(error), { cause: error }));
    const options = {
      method: 'POST',
      // A length, as fetch sent, rather than a chunked body, which some servers refuse.
      headers: { 'content-type': 'application/json', 'user-agent': 'labbook', 'content-length': Buffer.byteLength(json) },
      signal,
    };
    const answered = (response: IncomingMessage): void => {
      response.on('error', fail);
      response.on('end', () => resolve({ status: response.statusCode ?? 0, statusText: response.statusMessage ?? '' }));
      response.resume();
    };
    const target = new URL(url);
    const request = (target.protocol === 'https:' ? httpsRequest : httpRequest)(target, options, answered);
    request.on('error', fail);
    request.end(json);
  });
}

/** The code of a system or TLS error (`ECONNREFUSED`, `UNABLE_TO_VERIFY_LEAF_SIGNATURE`), else its message. */
function problemOf(error: Error): string {
  const { code } = error as NodeJS.ErrnoException;
  return typeof code === 'string' ? code : error.message;
}
