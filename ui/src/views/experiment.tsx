import { useEffect, useState } from 'preact/hooks';
import { type Experiment, getJson, type NotificationChannel, postJson, RUN_STATES, type TestOutcome } from '../api.js';
import { onLinkClick, selectionParams } from '../route.js';
import { ErrorBox } from './error-box.js';

/** One experiment: its counts, its notification channels (each can be sent a test message) and its spec, secrets masked. */
export function ExperimentView({ name }: { name: string }) {
  const [experiment, setExperiment] = useState<(Experiment & { spec: unknown }) | null>(null);
  const [channels, setChannels] = useState<NotificationChannel[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const path = `/experiments/${encodeURIComponent(name)}`;
  useEffect(() => {
    void getJson<Experiment & { spec: unknown }>(path).then(setExperiment, setError);
    void getJson<{ channels: NotificationChannel[] }>(`${path}/notifications`).then((answer) => setChannels(answer.channels), setError);
  }, [path]);
  if (error) return <ErrorBox error={error} />;
  if (!experiment) return <p class="muted">Loading…</p>;
  const selection = selectionParams([name], '');
  return (
    <article class="experiment">
      <h2>{name}</h2>
      <p>
        {RUN_STATES.map((state) => (
          <span key={state} class={`count state-${state}`}>
            {experiment.counts[state]} {state.toLowerCase()}{' '}
          </span>
        ))}
        ·{' '}
        <a href={`/runs?${selection}`} onClick={onLinkClick}>
          its runs
        </a>{' '}
        ·{' '}
        <a href={`/groups?${selection}`} onClick={onLinkClick}>
          groups
        </a>
      </p>
      <section>
        <h3>Notifications</h3>
        {channels?.length === 0 && <p class="muted">None: its spec has notify: [].</p>}
        <ul class="channels">
          {channels?.map((channel) => (
            <ChannelItem key={channel.index} experiment={name} channel={channel} />
          ))}
        </ul>
      </section>
      <section>
        <h3>Spec</h3>
        <pre>{JSON.stringify(experiment.spec, null, 2)}</pre>
      </section>
    </article>
  );
}

function ChannelItem({ experiment, channel }: { experiment: string; channel: NotificationChannel }) {
  const [outcome, setOutcome] = useState<TestOutcome | null>(null);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const send = () => {
    setSending(true);
    setError(null);
    postJson<TestOutcome>(`/experiments/${encodeURIComponent(experiment)}/notifications/test`, { index: channel.index })
      .then(setOutcome, setError)
      .finally(() => setSending(false));
  };
  return (
    <li data-channel={channel.index}>
      <strong>{channel.channel}</strong> <code>{channel.target}</code>{' '}
      <span class="muted">
        on {channel.on.join(', ')}; failures at most every {channel.minInterval}s
      </span>{' '}
      {channel.testable && (
        <button type="button" disabled={sending} onClick={send} aria-label={`send a test message to channel ${channel.index}`}>
          {sending ? 'Sending…' : 'Send test message'}
        </button>
      )}
      {outcome && (
        <span role="status" class={outcome.sent ? 'state-COMPLETED' : 'state-FAILED'}>
          {' '}
          {outcome.sent ? 'sent' : `not sent: ${outcome.problem}`}
        </span>
      )}
      {error !== null && <ErrorBox error={error} />}
    </li>
  );
}
