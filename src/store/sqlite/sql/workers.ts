import type { WorkerRecord } from '../../../domain/index.js';
import type { StatementCache } from '../statement-cache.js';

interface WorkerRow {
  id: string;
  host: string;
  pid: number;
  started_at: number;
  heartbeat_at: number;
  stopped_at: number | null;
  info: string;
}

export function registerWorker(sql: StatementCache, worker: Omit<WorkerRecord, 'stoppedAt' | 'heartbeatAt'>): void {
  sql
    .get('INSERT INTO workers (id, host, pid, started_at, heartbeat_at, info) VALUES (?, ?, ?, ?, ?, ?)')
    .run(worker.id, worker.host, worker.pid, worker.startedAt, worker.startedAt, JSON.stringify(worker.info));
}

export function stopWorker(sql: StatementCache, id: string, now: number): void {
  sql.get('UPDATE workers SET stopped_at = ?, heartbeat_at = ? WHERE id = ?').run(now, now, id);
}

export function listWorkers(sql: StatementCache): WorkerRecord[] {
  return (sql.get('SELECT * FROM workers ORDER BY started_at').all() as WorkerRow[]).map((row) => ({
    id: row.id,
    host: row.host,
    pid: row.pid,
    startedAt: row.started_at,
    heartbeatAt: row.heartbeat_at,
    stoppedAt: row.stopped_at,
    info: JSON.parse(row.info),
  }));
}
