import type { ArtifactRecord } from '../domain/index.js';
import type { Store } from '../store/types.js';
import { DEFAULT_MEDIA_TYPE, mediaTypeOf } from './media-type.js';
import type { ObjectStore } from './object-store.js';

/**
 * Copies the file at `path` into the object directory and lists it under the run as `name`
 * (replacing an earlier artifact of that name). The blob is durable before the row points
 * at it; identical contents share one blob, whichever run or name they come under.
 */
export async function recordArtifact(
  store: Store,
  objects: ObjectStore,
  run: { id: number; attempt: number },
  name: string,
  path: string,
  mediaType: string | undefined,
  now: number,
): Promise<ArtifactRecord> {
  const object = await objects.putFile(path);
  const artifact = { runId: run.id, attempt: run.attempt, name, ...object, mediaType: mediaType ?? guessMediaType(name, path) };
  // addArtifact records the object row in the same transaction.
  await store.addArtifact(artifact, now);
  return { ...artifact, createdAt: now };
}

/** From the artifact's name (`confusion.png`), else from the file's (a name without extension). */
function guessMediaType(name: string, path: string): string {
  const byName = mediaTypeOf(name);
  return byName === DEFAULT_MEDIA_TYPE ? mediaTypeOf(path) : byName;
}
