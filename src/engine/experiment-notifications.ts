import type { NotificationChannel, TestOutcome } from '../domain/index.js';
import { ExperimentNotFoundError, UsageError } from '../errors.js';
import { createNotifier } from '../notify/index.js';
import { maskUrl } from '../spec/mask-secrets.js';
import { parseNotify } from '../spec/notify-config.js';
import type { NotifyConfig } from '../spec/types.js';
import type { Store } from '../store/types.js';

/**
 * The notification channels of an experiment's latest spec as the dashboard lists them
 * (credentials masked as in `getExperiment`), and the test message it can send to one.
 */

async function channelConfigs(store: Store, name: string): Promise<NotifyConfig[]> {
  const record = await store.getExperiment(name);
  if (!record) {
    throw new ExperimentNotFoundError(
      name,
      (await store.listExperiments()).map((e) => e.name),
    );
  }
  const spec = record.spec;
  const entries = spec !== null && typeof spec === 'object' && !Array.isArray(spec) && Array.isArray(spec.notify) ? spec.notify : undefined;
  // The stored spec was checked when it was added; an entry that no longer parses is left out.
  return parseNotify(entries, []);
}

function targetOf(config: NotifyConfig): string {
  switch (config.channel) {
    case 'console':
      return 'the terminal of labbook run';
    case 'webhook':
      return maskUrl(config.url, 'path');
    case 'email':
      return `${config.to.join(', ')}${config.smtp ? ` via ${maskUrl(config.smtp, 'login')}` : ''}`;
  }
}

export async function experimentNotifications(
  store: Store,
  name: string,
): Promise<{ experiment: string; channels: NotificationChannel[] }> {
  const configs = await channelConfigs(store, name);
  return {
    experiment: name,
    channels: configs.map((config, index) => ({
      index,
      channel: config.channel,
      target: targetOf(config),
      on: config.on,
      minInterval: config.minInterval,
      testable: config.channel !== 'console',
    })),
  };
}

/** Sends the test message to channel `index` and waits for its delivery (bounded by the channel's timeout). */
export async function sendTestNotification(store: Store, name: string, index: number): Promise<TestOutcome> {
  const configs = await channelConfigs(store, name);
  const config = configs[index];
  if (!config || config.channel === 'console') {
    const testable = configs.flatMap((c, i) => (c.channel === 'console' ? [] : [i]));
    throw new UsageError(
      `experiment '${name}' has no channel ${index} to test; ${testable.length ? `its webhook and e-mail channels are ${testable.join(', ')}` : 'it has no webhook or e-mail channel'}`,
    );
  }
  const problems: string[] = [];
  const notifier = createNotifier([config], { warn: (message) => problems.push(message) });
  await notifier.test(name);
  await notifier.close();
  const problem = problems[0]?.replace(/^notify: /, '').replace(/; continuing$/, '') ?? null;
  return { index, target: targetOf(config), sent: problem === null, problem };
}
