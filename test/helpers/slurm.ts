import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';

const HOW_TO_ENABLE =
  'they need a Slurm cluster: run `sudo scripts/slurm-up.sh` (a single-node cluster on 127.0.0.1) and set LABBOOK_TEST_SLURM=1';

/**
 * A test that needs the real Slurm cluster of scripts/slurm-up.sh. Without LABBOOK_TEST_SLURM=1
 * it is skipped with how to enable it; under CI (where .ci/run starts the cluster) it fails
 * instead, so a cluster that did not come up cannot pass for a green suite.
 */
export function slurmTest(name: string, body: (t: TestContext) => Promise<void>): void {
  if (process.env.LABBOOK_TEST_SLURM === '1') test(name, { timeout: 600_000 }, body);
  else if (process.env.CI) test(name, () => assert.fail(`LABBOOK_TEST_SLURM is not set under CI: ${HOW_TO_ENABLE}`));
  else test(name, { skip: `Slurm tests skipped: ${HOW_TO_ENABLE}` }, () => {});
}
