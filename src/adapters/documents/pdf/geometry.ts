/**
 * Where things go on an A4 page, in PDF points (1 mm = 2.835 pt). The buyer's address sits where a
 * Norwegian window envelope (C5/E65, window 20 mm from the left and about 50 mm from the top, 90 × 45 mm)
 * shows it, so a printed invoice can be posted without re-addressing.
 */
export const PAGE = { width: 595.28, height: 841.89 } as const;
export const LEFT = 56.7; // 20 mm: the window's left edge, used as the left margin of everything
export const RIGHT = PAGE.width - 42.5; // 15 mm right margin
export const CONTENT_WIDTH = RIGHT - LEFT;
export const TOP = 42.5;
export const ADDRESS_WINDOW = { x: LEFT, y: 144, width: 240 } as const;
export const INFO_COLUMN = { x: 330, width: RIGHT - 330 } as const;
/** Lines, totals and boxes stay above the footer. */
export const CONTENT_BOTTOM = PAGE.height - 75;
export const FOOTER_Y = PAGE.height - 58;

export const FONT_SIZE = { title: 20, sellerName: 13, body: 9, small: 7.5, total: 12 } as const;
export const GRAY = '#555555';
export const RULE_GRAY = '#bbbbbb';
export const SHADE = '#f0f0f0';

/** The lines table: description takes what the numbers leave. */
const NUMBER_COLUMNS = { quantity: 44, unitPrice: 70, discount: 62, vatRate: 46, amount: 76 } as const;
const descriptionWidth = CONTENT_WIDTH - Object.values(NUMBER_COLUMNS).reduce((a, b) => a + b, 0);

export interface Column {
  key: 'description' | keyof typeof NUMBER_COLUMNS;
  x: number;
  width: number;
  align: 'left' | 'right';
}

export const LINE_COLUMNS: Column[] = (() => {
  const columns: Column[] = [];
  let x = LEFT;
  columns.push({ key: 'description', x, width: descriptionWidth, align: 'left' });
  x += descriptionWidth;
  for (const [key, width] of Object.entries(NUMBER_COLUMNS) as [keyof typeof NUMBER_COLUMNS, number][]) {
    columns.push({ key, x, width, align: 'right' });
    x += width;
  }
  return columns;
})();

/** Space between a cell's edge and its text. */
export const CELL_PADDING = 4;
