import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { rootCertificates } from 'node:tls';
import { DEFERRED_CA_CERTS_VARIABLE, extraCaCerts } from '../../../src/util/extra-ca-certs.js';
import { repoPath } from '../../helpers/paths.js';
import { tempDir } from '../../helpers/temp-dir.js';

const testCaPem = readFileSync(repoPath('test', 'fixtures', 'tls', 'ca.pem'), 'utf8');

test('restore puts the deferred file back in NODE_EXTRA_CA_CERTS, for the processes labbook starts', () => {
  const env = { PATH: '/usr/bin', [DEFERRED_CA_CERTS_VARIABLE]: '/etc/corp/ca.pem' };

  extraCaCerts(assert.fail).restore(env);

  assert.deepEqual(env, { PATH: '/usr/bin', NODE_EXTRA_CA_CERTS: '/etc/corp/ca.pem' });
});

test("without a deferred file, connections use Node's own certificates and the environment is left alone", () => {
  for (const env of [{}, { [DEFERRED_CA_CERTS_VARIABLE]: '' }, { NODE_EXTRA_CA_CERTS: '/etc/corp/ca.pem' }]) {
    const before = { ...env };
    const certs = extraCaCerts(assert.fail);

    certs.restore(env);

    assert.equal(certs.caCertificates(), undefined);
    assert.deepEqual(env, before);
  }
});

test("after a deferral, connections get Node's roots plus the file's certificates, read when first needed", (t) => {
  const file = join(tempDir(t), 'corp-ca.pem');
  const certs = extraCaCerts(assert.fail);

  certs.restore({ [DEFERRED_CA_CERTS_VARIABLE]: file });
  writeFileSync(file, testCaPem);

  assert.deepEqual(certs.caCertificates(), [...rootCertificates, testCaPem]);
});

test("an unreadable file gives one warning, as Node's would, and Node's roots alone", (t) => {
  const file = join(tempDir(t), 'missing.pem');
  const warnings: string[] = [];
  const certs = extraCaCerts((message) => warnings.push(message));
  certs.restore({ [DEFERRED_CA_CERTS_VARIABLE]: file });

  const first = certs.caCertificates();
  const second = certs.caCertificates();

  assert.deepEqual(first, [...rootCertificates]);
  assert.deepEqual(second, first);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0] as string, /^ignoring extra certs from `.*missing\.pem` \(\$NODE_EXTRA_CA_CERTS\), load failed: ENOENT/);
});
