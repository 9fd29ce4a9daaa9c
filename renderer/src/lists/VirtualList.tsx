import { useCallback, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { scrollToShow, topOf, totalHeight, visibleRange, type Layout } from './windowing.ts';

/** Rows rendered beyond each edge of the view, so a fast scroll does not show blank space. */
const OVERSCAN = 8;
/**
 * The scroll position is followed in steps of this many rows (fewer than OVERSCAN), so a scroll
 * renders the list again only once rows have to come or go, not at every pixel.
 */
const STEP = 4;
/** Within this many rows of the last one loaded, ask for more. */
const NEAR_END = 20;

interface VirtualListProps<T> {
  items: readonly T[];
  rowHeight: number;
  label: string;
  keyOf: (item: T) => number;
  /** The row the keyboard is on. */
  active: number | null;
  onActive: (index: number) => void;
  /** The row opened in place (its height measured), by key. */
  openedKey: number | null;
  renderRow: (item: T, index: number) => ReactNode;
  /** Keys other than ↑/↓, Home and End, on the list itself (not on a control inside a row). */
  onKey?: (event: KeyboardEvent<HTMLDivElement>, item: T) => void;
  /** The view is near the last row loaded. */
  onNearEnd?: () => void;
}

/** What keeps its own keys inside a row. */
const CONTROLS = 'button, input, select, textarea, a, summary, iframe';

/**
 * A windowed list: one scrolling box as tall as all its rows, holding only the rows in view (and a
 * few beyond). Rows are `rowHeight` high but for the opened one, whose height is measured. The box
 * takes the focus; ↑/↓ move it from row to row (each row an item a screen reader reads as it gets
 * the focus), Home/End jump, other keys go to `onKey`. Rows may hold controls (a list, not a listbox).
 */
export function VirtualList<T>({ items, rowHeight, label, keyOf, active, onActive, openedKey, renderRow, onKey, onNearEnd }: VirtualListProps<T>) {
  const box = useRef<HTMLDivElement>(null);
  /** The row the keyboard moved to, to be focused once rendered. */
  const focusing = useRef<number | null>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(0);
  const follow = (element: HTMLDivElement) => setScrollTop(Math.floor(element.scrollTop / (STEP * rowHeight)) * STEP * rowHeight);
  const [openedHeight, setOpenedHeight] = useState(rowHeight);
  const openedIndex = openedKey === null ? -1 : items.findIndex((item) => keyOf(item) === openedKey);
  const layout: Layout = { count: items.length, rowHeight, expanded: openedIndex >= 0 ? { index: openedIndex, height: openedHeight } : undefined };
  // The view reaches up to a step's rows past the position followed: rendered by the overscan.
  const { start, end } = visibleRange(layout, scrollTop, height, OVERSCAN);

  useLayoutEffect(() => {
    const element = box.current;
    if (!element) return;
    const measure = () => {
      setHeight(element.clientHeight);
      follow(element);
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    if (onNearEnd && items.length > 0 && end >= items.length - NEAR_END) onNearEnd();
  }, [end, items.length, onNearEnd]);

  useEffect(() => {
    if (focusing.current === null) return;
    box.current?.querySelector<HTMLElement>(`[data-index="${focusing.current}"]`)?.focus({ preventScroll: true });
    focusing.current = null;
  });

  /** The opened row's height as it renders (its dialogue opened, the message loaded). */
  const measureOpened = useCallback((element: HTMLDivElement | null) => {
    if (!element) return;
    const observer = new ResizeObserver(() => setOpenedHeight(element.offsetHeight));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  function moveTo(index: number) {
    const element = box.current;
    if (!element || items.length === 0) return;
    const next = Math.min(items.length - 1, Math.max(0, index));
    onActive(next);
    focusing.current = next;
    element.scrollTop = scrollToShow(layout, next, element.scrollTop, element.clientHeight);
  }

  function keyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.target instanceof Element && event.target !== event.currentTarget && event.target.closest(CONTROLS)) return;
    const moves: Record<string, number> = { ArrowDown: (active ?? -1) + 1, ArrowUp: (active ?? 1) - 1, Home: 0, End: items.length - 1 };
    const to = moves[event.key];
    if (to !== undefined) {
      event.preventDefault();
      moveTo(to);
      return;
    }
    const item = active === null ? undefined : items[active];
    if (item !== undefined) onKey?.(event, item);
  }

  return (
    <div ref={box} className="virtual-list" role="list" aria-label={label} tabIndex={0} onScroll={(event) => follow(event.currentTarget)} onKeyDown={keyDown}>
      <div className="virtual-rows" style={{ height: totalHeight(layout) }}>
        {items.slice(start, end).map((item, offset) => {
          const index = start + offset;
          const opened = index === openedIndex;
          return (
            <div
              key={keyOf(item)}
              ref={opened ? measureOpened : undefined}
              role="listitem"
              data-index={index}
              tabIndex={-1}
              aria-current={index === active || undefined}
              className={`virtual-slot${opened ? ' opened' : ''}`}
              style={{ transform: `translateY(${topOf(layout, index)}px)`, height: opened ? undefined : rowHeight }}
            >
              {renderRow(item, index)}
            </div>
          );
        })}
      </div>
    </div>
  );
}
