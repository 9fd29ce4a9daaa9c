/**
 * Where the rows of a windowed list are: all one height but for the one opened (expanded in place,
 * its height measured), so a row's place is arithmetic and only the rows on screen need to exist.
 */
export interface Layout {
  count: number;
  rowHeight: number;
  /** The opened row and its measured height. */
  expanded?: { index: number; height: number } | undefined;
}

/** Extra height the opened row adds, and where it is. */
const extraOf = ({ expanded, rowHeight, count }: Layout): { index: number; extra: number } =>
  expanded && expanded.index < count ? { index: expanded.index, extra: Math.max(0, expanded.height - rowHeight) } : { index: count, extra: 0 };

export function topOf(layout: Layout, index: number): number {
  const { index: opened, extra } = extraOf(layout);
  return index * layout.rowHeight + (index > opened ? extra : 0);
}

export const heightOf = (layout: Layout, index: number): number =>
  layout.expanded?.index === index ? Math.max(layout.rowHeight, layout.expanded.height) : layout.rowHeight;

export const totalHeight = (layout: Layout): number => topOf(layout, layout.count);

/** The row at height `y` (clamped to the rows there are). */
export function indexAt(layout: Layout, y: number): number {
  if (layout.count === 0) return 0;
  const { index: opened, extra } = extraOf(layout);
  const openedTop = topOf(layout, opened);
  let index: number;
  if (y < openedTop) index = Math.floor(y / layout.rowHeight);
  else if (y < openedTop + layout.rowHeight + extra) index = opened;
  else index = opened + 1 + Math.floor((y - openedTop - layout.rowHeight - extra) / layout.rowHeight);
  return Math.min(layout.count - 1, Math.max(0, index));
}

/** The rows to render for a viewport: those it shows, and `overscan` more on each side. `end` is exclusive. */
export function visibleRange(layout: Layout, scrollTop: number, viewport: number, overscan: number): { start: number; end: number } {
  if (layout.count === 0) return { start: 0, end: 0 };
  const first = indexAt(layout, scrollTop);
  const last = indexAt(layout, scrollTop + Math.max(0, viewport - 1));
  return { start: Math.max(0, first - overscan), end: Math.min(layout.count, last + 1 + overscan) };
}

/** The scrollTop that brings row `index` fully into view, moving as little as possible (unchanged if it is). */
export function scrollToShow(layout: Layout, index: number, scrollTop: number, viewport: number): number {
  const top = topOf(layout, index);
  const bottom = top + heightOf(layout, index);
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewport) return Math.min(top, bottom - viewport);
  return scrollTop;
}
