import type { WorkerRecord } from '../../../domain/index.js';
import { listWorkersSql, toWorker, type WorkerRow } from '../../rows/records.js';
import type { WorkerFilter } from '../../types.js';
import type { StatementCache } from '../statement-cache.js';

export function registerWorker(sql: StatementCache, worker: Omit<WorkerRecord, 'stoppedAt' | 'heartbeatAt'>): void {
  sql
    .get('INSERT INTO workers (id, host, pid, started_at, heartbeat_at, info) VALUES (?, ?, ?, ?, ?, ?)')
    .run(worker.id, worker.host, worker.pid, worker.startedAt, worker.startedAt, JSON.stringify(worker.info));
}

export function stopWorker(sql: StatementCache, id: string, now: number): void {
  sql.get('UPDATE workers SET stopped_at = ?, heartbeat_at = ? WHERE id = ?').run(now, now, id);
}

export function listWorkers(sql: StatementCache, { running = false }: WorkerFilter): WorkerRecord[] {
  return (sql.get(listWorkersSql(running)).all() as WorkerRow[]).map(toWorker);
}
