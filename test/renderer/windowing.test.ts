/** The windowed list's arithmetic: which rows a viewport shows, with one row opened in place. */
import { describe, expect, it } from 'vitest';
import { indexAt, scrollToShow, topOf, totalHeight, visibleRange, type Layout } from '../../renderer/src/lists/windowing.ts';

const rows = (count: number, expanded?: Layout['expanded']): Layout => ({ count, rowHeight: 40, expanded });

describe('the windowed list', () => {
  it('renders only the rows in view, and the overscan around them', () => {
    expect(visibleRange(rows(100_000), 0, 400, 5)).toEqual({ start: 0, end: 15 });
    expect(visibleRange(rows(100_000), 40 * 50_000 + 20, 400, 5)).toEqual({ start: 49_995, end: 50_016 });
    expect(visibleRange(rows(100_000), 40 * 100_000 - 400, 400, 5)).toEqual({ start: 99_985, end: 100_000 });
    expect(visibleRange(rows(3), 0, 400, 5)).toEqual({ start: 0, end: 3 });
    expect(visibleRange(rows(0), 0, 400, 5)).toEqual({ start: 0, end: 0 });
  });

  it('places the rows after an opened one below its measured height', () => {
    const layout = rows(10, { index: 2, height: 300 });
    expect([topOf(layout, 2), topOf(layout, 3), totalHeight(layout)]).toEqual([80, 380, 9 * 40 + 300]);
    expect([indexAt(layout, 79), indexAt(layout, 80), indexAt(layout, 379), indexAt(layout, 380), indexAt(layout, 10_000)]).toEqual([1, 2, 2, 3, 9]);
    // An opened row no longer in the list changes nothing.
    expect(totalHeight(rows(2, { index: 5, height: 300 }))).toBe(80);
  });

  it('scrolls as little as it must to show a row (↑/↓ moving past the edge)', () => {
    expect(scrollToShow(rows(100), 10, 0, 200)).toBe(10 * 40 + 40 - 200);
    expect(scrollToShow(rows(100), 2, 200, 200)).toBe(80);
    expect(scrollToShow(rows(100), 6, 200, 200)).toBe(200);
    // An opened row taller than the view: its top.
    expect(scrollToShow(rows(100, { index: 10, height: 900 }), 10, 0, 200)).toBe(400);
  });
});
