import { readFileSync } from 'node:fs';
import { repoPath } from './paths.js';

// A test CA that no system trusts, and a certificate it signed for 127.0.0.1 (see test/fixtures/tls/).
const tlsFixture = (name: string): string => repoPath('test', 'fixtures', 'tls', name);

/** The test CA's certificate file. */
export const testCaFile = tlsFixture('ca.pem');

/** The key and certificate of a server on 127.0.0.1 signed by the test CA. */
export const testServerCredentials = {
  key: readFileSync(tlsFixture('server.key'), 'utf8'),
  cert: readFileSync(tlsFixture('server.pem'), 'utf8'),
};
