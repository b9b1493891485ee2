import { useEffect, useState } from 'preact/hooks';
import { getJson } from '../api.js';

interface LogPiece {
  end: number;
  text: string;
}

/** Keeps the last lines a page can hold: a long log is trimmed from the top. */
const MAX_CHARS = 200_000;

/** A log's tail, followed while the run goes (each read asks for what follows the last). */
export function LogTail({ id, stream, following }: { id: number; stream: 'stdout' | 'stderr'; following: boolean }) {
  const [text, setText] = useState('');
  useEffect(() => {
    let offset: number | undefined;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const read = async () => {
      const piece = await getJson<LogPiece>(`/runs/${id}/logs`, { stream, ...(offset !== undefined && { offset }) }).catch(() => null);
      if (stopped) return;
      if (piece) {
        if (piece.text) setText((old) => (offset === undefined ? piece.text : (old + piece.text).slice(-MAX_CHARS)));
        offset = piece.end;
      }
      if (following) timer = setTimeout(read, 1000);
    };
    void read();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [id, stream, following]);
  if (!text) return null;
  return (
    <details open class="log">
      <summary>{stream}</summary>
      <pre data-log={stream}>{text}</pre>
    </details>
  );
}
