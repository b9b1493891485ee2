import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';

/*
 * Node parses the file of $NODE_EXTRA_CA_CERTS when it starts, before any JavaScript runs:
 * some 40 ms with OpenSSL 3 (nodejs/node#40524), on every command of machines that set it (CI,
 * corporate networks). bin/labbook therefore hands it over in LABBOOK_EXTRA_CA_CERTS instead, and
 * the few TLS connections labbook opens itself (webhooks, SMTP) are given those certificates
 * explicitly, read only when one is opened.
 */

/** The variable bin/labbook moves $NODE_EXTRA_CA_CERTS to (see there why). */
export const DEFERRED_CA_CERTS_VARIABLE = 'LABBOOK_EXTRA_CA_CERTS';

export interface ExtraCaCerts {
  /** Puts NODE_EXTRA_CA_CERTS back in `env` and remembers that its file is still to be read. */
  restore(env: NodeJS.ProcessEnv): void;
  /** undefined unless a file was deferred; then Node's roots and that file, read on the first call. */
  caCertificates(): string[] | undefined;
}

/** `warn` hears once of a file that cannot be read, which Node itself would only warn about too. */
export function extraCaCerts(warn: (message: string) => void): ExtraCaCerts {
  let deferredFile: string | undefined;
  let certificates: string[] | undefined;
  return {
    restore(env) {
      const file = env[DEFERRED_CA_CERTS_VARIABLE];
      if (!file) return;
      env.NODE_EXTRA_CA_CERTS = file;
      delete env[DEFERRED_CA_CERTS_VARIABLE];
      deferredFile = file;
    },
    caCertificates() {
      if (deferredFile === undefined) return undefined;
      certificates ??= [...rootCertificates, ...readCertificates(deferredFile, warn)];
      return certificates;
    },
  };
}

/** The file's text as one `ca` entry (Node parses every PEM certificate in it), or none. */
function readCertificates(file: string, warn: (message: string) => void): string[] {
  try {
    return [readFileSync(file, 'utf8')];
  } catch (error) {
    warn(`ignoring extra certs from \`${file}\` ($NODE_EXTRA_CA_CERTS), load failed: ${(error as Error).message}`);
    return [];
  }
}

const processCaCerts = extraCaCerts((message) => process.stderr.write(`labbook: warning: ${message}\n`));

/** At start-up: puts NODE_EXTRA_CA_CERTS back in `env` (for the processes labbook starts) and remembers that this process did not load it. */
export function restoreExtraCaCerts(env: NodeJS.ProcessEnv = process.env): void {
  processCaCerts.restore(env);
}

/**
 * The CA certificates for a TLS connection this process opens: undefined (Node's own, which
 * include NODE_EXTRA_CA_CERTS when Node loaded it) unless the launcher deferred them; then
 * Node's root certificates (tls.rootCertificates) plus the certificates of that file, read on
 * first use.
 */
export function tlsCaCertificates(): string[] | undefined {
  return processCaCerts.caCertificates();
}
