import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startApi } from '../../helpers/http-api.js';

interface ServerEvent {
  event: string;
  id: string;
  // biome-ignore lint/suspicious/noExplicitAny: events of every kind, asserted field by field
  data: any;
}

/** Reads an event stream until `enough` says so; answers the events read (comments left out). */
async function readEvents(
  url: string,
  headers: Record<string, string>,
  enough: (events: ServerEvent[]) => boolean,
): Promise<ServerEvent[]> {
  const controller = new AbortController();
  const response = await fetch(`${url}/api/events`, { headers, signal: controller.signal });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
  const events: ServerEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const fields = Object.fromEntries(
        block
          .split('\n')
          .filter((line) => !line.startsWith(':') && line.includes(': '))
          .map((line) => [line.slice(0, line.indexOf(': ')), line.slice(line.indexOf(': ') + 2)]),
      );
      if (fields.event) events.push({ event: fields.event, id: fields.id ?? '', data: JSON.parse(fields.data ?? 'null') });
    }
    if (enough(events)) break;
  }
  controller.abort();
  return events;
}

const metricCount = (events: ServerEvent[]) =>
  events.filter((e) => e.event === 'metrics').reduce((n, e) => n + (e.data as unknown[]).length, 0);

test('a client that reconnects with Last-Event-ID gets every event after its last one, once', async (t) => {
  const { url, store } = await startApi(t);
  const [ready] = await readEvents(url, {}, (events) => events.length >= 1);
  assert.equal(ready?.event, 'ready');

  // Changes while the client is connected: a state change and 30 points.
  const first = readEvents(url, { 'last-event-id': ready!.id }, (events) => metricCount(events) >= 30 && events.length >= 3);
  await store.cancelRuns({ ids: [4] }, Date.now());
  await store.appendMetrics(1, 1, pointsFrom(0, 30));
  const before = await first;
  const cancel = before.find((e) => e.event === 'run');
  assert.equal(cancel?.data.runId, 4);
  assert.equal(cancel?.data.toState, 'CANCELLED');

  // Then while it is away: 1,500 points (more than one page of the feed) and two state changes.
  const last = before.at(-1)!.id;
  await store.appendMetrics(1, 1, pointsFrom(30, 1500));
  await store.resetRuns({ ids: [4], states: ['CANCELLED'] }, Date.now());
  await store.cancelRuns({ ids: [4] }, Date.now());
  const after = await readEvents(url, { 'last-event-id': last }, (events) => metricCount(events) >= 1500 && events.length >= 4);
  const steps = after.filter((e) => e.event === 'metrics').flatMap((e) => e.data.map((p: { step: number }) => p.step));
  assert.deepEqual(
    steps,
    Array.from({ length: 1500 }, (_, i) => 30 + i),
  );
  assert.deepEqual(
    after.filter((e) => e.event === 'run').map((e) => e.data.toState),
    ['PENDING', 'CANCELLED'],
  );
  assert.equal(after[0]?.event, 'ready');
  assert.equal(after[0]?.id, last, 'the stream starts where the client was');
});

test('a malformed Last-Event-ID is refused', async (t) => {
  const { url } = await startApi(t, { seed: false });
  const response = await fetch(`${url}/api/events`, { headers: { 'last-event-id': 'yesterday' } });
  assert.equal(response.status, 400);
  assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'LB_PROTOCOL_BAD_REQUEST');
});

function pointsFrom(first: number, count: number) {
  return Array.from({ length: count }, (_, i) => ({ key: 'live', step: first + i, value: i, at: Date.now() }));
}
