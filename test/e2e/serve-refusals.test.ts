import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { type TestContext, test } from 'node:test';
import { cli } from '../helpers/cli.js';
import { engineEnv } from '../helpers/engine.js';
import { project } from '../helpers/project.js';

/** A port another program listens on, for as long as the test runs. */
async function takenPort(t: TestContext): Promise<number> {
  const other: Server = createServer();
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  t.after(() => other.close());
  return (other.address() as { port: number }).port;
}

test('serve and ui on a port another program holds exit 3 with LB_HTTP_PORT_TAKEN', async (t) => {
  const dir = await project(t);
  const env = engineEnv(t, dir);
  const port = String(await takenPort(t));
  for (const args of [
    ['ui', '--no-open', '--port', port, '--json'],
    ['serve', '--port', port, '--json'],
  ]) {
    const result = await cli(dir, args, { env });
    assert.equal(result.code, 3, `${args[0]}: ${result.stderr}`);
    const error = JSON.parse(result.stderr) as { code: string; message: string };
    assert.equal(error.code, 'LB_HTTP_PORT_TAKEN');
    assert.match(error.message, new RegExp(`port ${port} .*--port`));
  }
});

test('ui asking for another port than the one the dashboard is on exits 3 and says where it is', async (t) => {
  const dir = await project(t);
  const env = engineEnv(t, dir);
  const first = await cli(dir, ['ui', '--no-open', '--port', '0', '--json'], { env });
  assert.equal(first.code, 0, first.stderr);
  const { url } = JSON.parse(first.stdout) as { url: string };
  const again = await cli(dir, ['ui', '--no-open', '--port', '0', '--json'], { env });
  assert.equal(again.code, 0, again.stderr);
  assert.equal((JSON.parse(again.stdout) as { url: string }).url, url);

  const elsewhere = await cli(dir, ['ui', '--no-open', '--port', String(await takenPort(t)), '--json'], { env });
  assert.equal(elsewhere.code, 3, elsewhere.stderr);
  const error = JSON.parse(elsewhere.stderr) as { code: string; message: string };
  assert.equal(error.code, 'LB_HTTP_ALREADY_SERVING');
  assert.ok(error.message.includes(url), error.message);
});
