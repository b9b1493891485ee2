import { resolve } from 'node:path';
import { Worker as Thread } from 'node:worker_threads';
import { FUNCTION_THREAD_URL } from '../package-files.js';
import type { JsonValue } from '../spec/types.js';
import { type Execution, type Executor, notStarted, type RunEnd, type RunTask, type StopReason } from './executor.js';
import type { FromThread, ToThread } from './function-messages.js';
import type { RunRecorder } from './run-recorder.js';

interface Busy {
  recorder: RunRecorder;
  preempted: (() => boolean) | undefined;
  finish: (end: RunEnd) => void;
}

interface PooledThread {
  thread: Thread;
  busy?: Busy;
}

/**
 * Runs a spec's `function` (`path/to/module.ts#export`) in worker threads, one run per
 * thread at a time, at most `slots` threads busy (the other runs wait, in order); threads are
 * reused, so a run costs a message, not a process. A run that must stop early (timeout,
 * interrupt) takes its thread down with it; one still waiting goes back unstarted.
 */
export class FunctionExecutor implements Executor {
  private readonly idle: PooledThread[] = [];
  private readonly all = new Set<PooledThread>();
  /** Runs waiting for a free thread: what begins each. */
  private readonly waiting: Array<() => void> = [];
  private busy = 0;

  constructor(
    private readonly cwd: string,
    private readonly slots: number,
  ) {}

  start(task: RunTask): Execution {
    const begun = Promise.withResolvers<void>();
    const ended = Promise.withResolvers<RunEnd>();
    let stopRunning: ((reason: StopReason) => void) | undefined;
    const begin = () => {
      stopRunning = this.execute(task, ended.resolve);
      begun.resolve();
    };
    // A waiting run is begun here, in this thread: withdrawing it cannot race with its start.
    const withdraw = () => {
      const at = this.waiting.indexOf(begin);
      if (at < 0) return;
      this.waiting.splice(at, 1);
      ended.resolve(notStarted('stopped before it began'));
    };
    if (this.busy < this.slots) begin();
    else this.waiting.push(begin);
    return {
      ended: ended.promise,
      begun: begun.promise,
      stop: (reason) => {
        if (stopRunning) stopRunning(reason);
        else withdraw();
      },
      withdraw,
    };
  }

  /** Runs `task` on a thread now; returns how to stop it. */
  private execute(task: RunTask, resolveEnd: (end: RunEnd) => void): (reason: StopReason) => void {
    this.busy++;
    const pooled = this.idle.pop() ?? this.spawnThread();
    const [file, exportName] = splitReference(task.spec.function ?? '');
    pooled.busy = {
      recorder: task.recorder,
      preempted: task.preempted,
      finish: (end) => {
        pooled.busy = undefined;
        if (this.all.has(pooled)) this.idle.push(pooled);
        this.busy--;
        this.waiting.shift()?.();
        resolveEnd(end);
      },
    };
    const { run, spec, runDir } = task;
    this.post(pooled, {
      type: 'run',
      runId: run.id,
      attempt: run.attempt,
      experiment: run.experiment,
      runDir,
      params: run.params,
      settings: spec.settings,
      modulePath: resolve(this.cwd, file),
      exportName,
    });
    return (reason) => {
      const busy = pooled.busy;
      if (!busy) return;
      this.discard(pooled);
      busy.finish({ ok: false, reason: 'stopped', error: `stopped (${reason})`, exitCode: null });
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.all].map((pooled) => pooled.thread.terminate()));
    this.all.clear();
    this.idle.length = 0;
  }

  private spawnThread(): PooledThread {
    const pooled: PooledThread = { thread: new Thread(FUNCTION_THREAD_URL) };
    this.all.add(pooled);
    pooled.thread.on('message', (message: FromThread) => void this.onMessage(pooled, message));
    pooled.thread.on('error', (error) => {
      this.discard(pooled);
      pooled.busy?.finish({ ok: false, reason: 'exception', error: error.stack ?? error.message, exitCode: null });
    });
    pooled.thread.on('exit', (code) => {
      if (!this.all.has(pooled)) return;
      this.discard(pooled);
      pooled.busy?.finish({ ok: false, reason: 'exception', error: `the run's thread exited (code ${code})`, exitCode: null });
    });
    return pooled;
  }

  private discard(pooled: PooledThread): void {
    this.all.delete(pooled);
    const at = this.idle.indexOf(pooled);
    if (at >= 0) this.idle.splice(at, 1);
    void pooled.thread.terminate();
  }

  private post(pooled: PooledThread, message: ToThread): void {
    pooled.thread.postMessage(message);
  }

  private async onMessage(pooled: PooledThread, message: FromThread): Promise<void> {
    const busy = pooled.busy;
    if (!busy) return;
    const recorder = busy.recorder;
    switch (message.type) {
      case 'metrics':
        recorder.metrics(message.points);
        return;
      case 'log':
        recorder.log(message.level, message.message);
        return;
      case 'done':
        busy.finish({ ok: true, result: message.result, exitCode: null });
        return;
      case 'failed':
        busy.finish({ ok: false, reason: 'exception', error: message.error, exitCode: null });
        return;
      default:
        await this.answer(pooled, busy, message);
    }
  }

  private async answer(
    pooled: PooledThread,
    { recorder, preempted }: Busy,
    message: Extract<FromThread, { requestId: number }>,
  ): Promise<void> {
    const { requestId } = message;
    try {
      let value: JsonValue = null;
      if (message.type === 'checkpoint') await recorder.checkpointBytes(message.bytes);
      else if (message.type === 'restore') value = (await recorder.restore())?.path ?? null;
      else if (message.type === 'checkpoint_exists') value = await recorder.checkpointExists();
      else if (message.type === 'preempted') value = preempted?.() ?? false;
      else await recorder.artifact(message.name, resolve(recorder.runDir, message.path), message.mediaType);
      this.post(pooled, { type: 'reply', requestId, ok: true, value });
    } catch (error) {
      this.post(pooled, { type: 'reply', requestId, ok: false, error: (error as Error).message });
    }
  }
}

/** `path/to/module.ts#name` → [path, name]; the export defaults to `default`. */
function splitReference(reference: string): [string, string] {
  const at = reference.lastIndexOf('#');
  return at < 0 ? [reference, 'default'] : [reference.slice(0, at), reference.slice(at + 1)];
}
