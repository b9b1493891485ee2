import { useEffect, useRef, useState } from 'preact/hooks';

/** Keys of the runs table, while no text box has the focus. */
export const ROW_KEYS = { down: ['ArrowDown', 'j'], up: ['ArrowUp', 'k'], open: ['Enter', 'o'], pick: ['x'] } as const;

/**
 * Keyboard navigation of a virtual table: ↓/j and ↑/k move the current row (scrolled into
 * view), Enter/o opens it, x picks it. The handlers see the latest props through a ref.
 */
export function useRowKeys<T>(options: {
  total: number;
  rowHeight: number;
  scroller: { current: HTMLElement | null };
  rowAt(index: number): T | undefined;
  open(row: T): void;
  pick(row: T): void;
}): number | null {
  const [current, setCurrent] = useState<number | null>(null);
  const latest = useRef({ ...options, current });
  latest.current = { ...options, current };
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (event.metaKey || event.ctrlKey || event.altKey || target?.closest('input, select, textarea, button, a, summary')) return;
      const { total, rowHeight, scroller, rowAt, open, pick, current: at } = latest.current;
      const is = (keys: readonly string[]) => keys.includes(event.key);
      if (is(ROW_KEYS.down) || is(ROW_KEYS.up)) {
        if (total === 0) return;
        event.preventDefault();
        const next = Math.min(total - 1, Math.max(0, at === null ? 0 : at + (is(ROW_KEYS.down) ? 1 : -1)));
        setCurrent(next);
        const element = scroller.current;
        if (!element) return;
        if (next * rowHeight < element.scrollTop) element.scrollTop = next * rowHeight;
        else if ((next + 1) * rowHeight > element.scrollTop + element.clientHeight)
          element.scrollTop = (next + 1) * rowHeight - element.clientHeight;
        return;
      }
      const row = at === null ? undefined : rowAt(at);
      if (row === undefined) return;
      if (is(ROW_KEYS.open)) {
        event.preventDefault();
        open(row);
      } else if (is(ROW_KEYS.pick)) {
        event.preventDefault();
        pick(row);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return current;
}
