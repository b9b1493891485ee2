/** A notification channel of an experiment as the dashboard lists it (src/engine/experiment-notifications.ts). */
export interface NotificationChannel {
  /** Position in the spec's `notify:` list (the console default of a spec without one is 0). */
  index: number;
  channel: 'console' | 'webhook' | 'email';
  /** Where it goes, without secrets: a webhook's scheme and host, mail recipients and server without login. */
  target: string;
  on: Array<'finished' | 'failed'>;
  minInterval: number;
  /** Whether a test message can be sent from the dashboard: the console is the terminal of `labbook run`, which the dashboard has not. */
  testable: boolean;
}

/** What became of a test message sent to a channel. */
export interface TestOutcome {
  index: number;
  target: string;
  sent: boolean;
  /** What went wrong, as a failed delivery's warning says it (`ECONNREFUSED`, `HTTP 404`). */
  problem: string | null;
}
