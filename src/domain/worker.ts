import type { JsonValue } from '../spec/types.js';

export interface WorkerRecord {
  id: string;
  host: string;
  pid: number;
  startedAt: number;
  heartbeatAt: number;
  stoppedAt: number | null;
  info: JsonValue;
}
