import { ApiError } from '../api.js';

/** An error as the API reported it: its message (with the caret under a query's mistake) and its code. */
export function ErrorBox({ error }: { error: unknown }) {
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div class="error" role="alert">
      <pre>{message}</pre>
      {error instanceof ApiError && <small>{error.code}</small>}
    </div>
  );
}
