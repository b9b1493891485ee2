import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, copyFile, link, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { StoredObject } from '../domain/index.js';

/**
 * Content-addressed blobs under <store>/objects/<2 hex>/<sha256>: the same content is kept
 * once (artifacts dedup by hash). A blob is written to a temporary file, fsynced and renamed
 * into place, so a reader never sees half a blob and a crash leaves at most a stray temp file.
 */
export class ObjectStore {
  constructor(readonly root: string) {}

  pathOf(sha256: string): string {
    return join(this.root, sha256.slice(0, 2), sha256);
  }

  async putBytes(data: Uint8Array | string): Promise<StoredObject> {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const target = this.pathOf(sha256);
    if (!(await exists(target))) {
      await this.writeDurably(target, async (tmp) => {
        const handle = await open(tmp, 'w');
        try {
          await handle.writeFile(bytes);
          await handle.sync();
        } finally {
          await handle.close();
        }
      });
    }
    return { sha256, size: bytes.byteLength };
  }

  /** Stores a copy of the file at `source` (which is left as it is). */
  async putFile(source: string): Promise<StoredObject> {
    const sha256 = await hashFile(source);
    const target = this.pathOf(sha256);
    const { size } = await stat(source);
    if (!(await exists(target))) {
      await this.writeDurably(target, async (tmp) => {
        await copyFile(source, tmp);
        const handle = await open(tmp, 'r+');
        try {
          await handle.sync();
        } finally {
          await handle.close();
        }
      });
    }
    return { sha256, size };
  }

  private async writeDurably(target: string, write: (tmp: string) => Promise<void>): Promise<void> {
    await mkdir(dirname(target), { recursive: true });
    const tmp = `${target}.tmp-${randomBytes(6).toString('hex')}`;
    try {
      await write(tmp);
      // Blobs are shared by every run that has the same content: nobody may change one.
      await chmod(tmp, 0o444);
      // link fails if another writer placed the same content first, which is just as good.
      await link(tmp, target).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') return rename(tmp, target);
      });
      await syncDirectory(dirname(target));
    } finally {
      await rm(tmp, { force: true });
    }
  }
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
