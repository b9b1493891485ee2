import { extname } from 'node:path';

const BY_EXTENSION: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
  '.pdf': 'application/pdf',
  '.json': 'application/json',
  '.csv': 'text/csv',
  '.tsv': 'text/tab-separated-values',
  '.jsonl': 'application/x-ndjson',
  '.ndjson': 'application/x-ndjson',
  '.txt': 'text/plain',
  '.log': 'text/plain',
  '.npy': 'application/x-npy',
  '.npz': 'application/x-npz',
  '.pt': 'application/x-pytorch',
  '.pth': 'application/x-pytorch',
  '.pkl': 'application/x-python-pickle',
  '.pickle': 'application/x-python-pickle',
  '.parquet': 'application/vnd.apache.parquet',
  '.html': 'text/html',
  '.md': 'text/markdown',
  '.yaml': 'application/yaml',
  '.yml': 'application/yaml',
};

export const DEFAULT_MEDIA_TYPE = 'application/octet-stream';

/** The media type of an artifact, guessed from its file name (`model.pt` → application/x-pytorch). */
export function mediaTypeOf(fileName: string): string {
  return BY_EXTENSION[extname(fileName).toLowerCase()] ?? DEFAULT_MEDIA_TYPE;
}
