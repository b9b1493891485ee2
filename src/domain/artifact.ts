/** A blob in the content-addressed object directory. */
export interface StoredObject {
  sha256: string;
  size: number;
}

export interface CheckpointRecord extends StoredObject {
  runId: number;
  attempt: number;
  createdAt: number;
}

export interface ArtifactRecord extends StoredObject {
  runId: number;
  name: string;
  attempt: number;
  mediaType: string;
  createdAt: number;
}
