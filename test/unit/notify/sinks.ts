import { createServer, type Server as HttpServer, type RequestListener } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo, Server } from 'node:net';
import type { TestContext } from 'node:test';
import { SMTPServer } from 'smtp-server';

/** Local servers on 127.0.0.1 that record what the notifier sends; stopped when the test ends. */

export interface WebhookSink {
  url: string;
  bodies: Array<Record<string, unknown>>;
}

/** Answers every POST with `status` after `delayMs` (or never, for `status: 'hang'`) and keeps its JSON body. */
export async function webhookSink(t: TestContext, status: number | 'hang' = 200, delayMs = 0): Promise<WebhookSink> {
  const bodies: Array<Record<string, unknown>> = [];
  const port = await serve(t, createServer(keepBodies(bodies, status, delayMs)));
  return { url: `http://127.0.0.1:${port}/services/T0/B0/secret`, bodies };
}

/** A webhook sink over HTTPS that answers 200, with `credentials` (a key and a certificate for 127.0.0.1). */
export async function httpsWebhookSink(t: TestContext, credentials: TlsCredentials): Promise<WebhookSink> {
  const bodies: Array<Record<string, unknown>> = [];
  const port = await serve(t, createHttpsServer(credentials, keepBodies(bodies, 200, 0)));
  return { url: `https://127.0.0.1:${port}/services/T0/B0/secret`, bodies };
}

export interface TlsCredentials {
  key: string;
  cert: string;
}

function keepBodies(bodies: Array<Record<string, unknown>>, status: number | 'hang', delayMs: number): RequestListener {
  return (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      bodies.push({ ...JSON.parse(Buffer.concat(chunks).toString('utf8')), contentType: request.headers['content-type'] });
      if (status !== 'hang') setTimeout(() => response.writeHead(status).end('ok'), delayMs);
    });
  };
}

/** Listens on 127.0.0.1 until the test ends; the port. */
async function serve(t: TestContext, server: HttpServer | HttpsServer): Promise<number> {
  const port = await listen(server);
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve()).closeAllConnections()));
  return port;
}

/** A port that was free a moment ago: connections to it are refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
}

/**
 * An SMTP server without login that keeps each message, decoded enough to assert on; without
 * TLS, or smtps:// with `credentials` (a key and a certificate for 127.0.0.1).
 */
export async function smtpSink(t: TestContext, credentials?: TlsCredentials): Promise<{ url: string; mails: ReceivedMail[] }> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    ...(credentials && { secure: true, ...credentials }),
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const envelope = session.envelope;
        const from = envelope.mailFrom ? envelope.mailFrom.address : '';
        mails.push({ from, to: envelope.rcptTo.map((r) => r.address), ...parseMessage(Buffer.concat(chunks).toString('utf8')) });
        callback();
      });
    },
  });
  // A client that rejects the certificate hangs up mid-handshake: the test asserts on what the client saw.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `${credentials ? 'smtps' : 'smtp'}://127.0.0.1:${port}`, mails };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

/** Subject (RFC 2047 words) and a single-part body (quoted-printable or plain). */
function parseMessage(raw: string): { subject: string; text: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const body = raw.slice(split + 4);
  const header = (name: string) => new RegExp(`^${name}: (.*)$`, 'im').exec(head)?.[1] ?? '';
  const subject = header('Subject')
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([qb])\?([^?]*)\?=/gi, (_, encoding: string, word: string) =>
      encoding.toLowerCase() === 'b' ? Buffer.from(word, 'base64').toString('utf8') : decodeQuotedPrintable(word.replace(/_/g, ' ')),
    );
  const quoted = /quoted-printable/i.test(header('Content-Transfer-Encoding'));
  return { subject, text: (quoted ? decodeQuotedPrintable(body.replace(/=\r\n/g, '')) : body).replace(/\r\n/g, '\n') };
}

function decodeQuotedPrintable(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text[i] === '=' ? /^[0-9A-F]{2}$/i.exec(text.slice(i + 1, i + 3)) : null;
    if (hex) {
      bytes.push(Number.parseInt(hex[0], 16));
      i += 2;
    } else bytes.push(...Buffer.from(text[i] as string, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}
