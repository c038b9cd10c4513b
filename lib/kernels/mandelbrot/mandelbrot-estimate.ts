import { mandelbrotView } from './mandelbrot-escape';
import type { MandelbrotJobParams } from './mandelbrot-params';

/** Preview cells per image edge: at most 32 × 32 = 1024 sample points per job. */
export const MANDELBROT_PREVIEW_CELLS = 32;

/**
 * Iterations at c in f64 — with early exits a credit estimate can afford: points in the main
 * cardioid or the period-2 bulb are in the set by formula, and an orbit that comes back to a
 * remembered point (Brent-style periodicity check, within 1e-13) has settled on an attracting
 * cycle, in the set too. Both return maxIter.
 */
export function estimateEscape(cx: number, cy: number, maxIter: number): number {
  const y2 = cy * cy;
  const q = (cx - 0.25) * (cx - 0.25) + y2;
  if (q * (q + (cx - 0.25)) <= 0.25 * y2 || (cx + 1) * (cx + 1) + y2 <= 1 / 16) return maxIter;
  let x = 0;
  let y = 0;
  let savedX = 0;
  let savedY = 0;
  let period = 8;
  for (let i = 0; i < maxIter; i++) {
    const xx = x * x;
    const yy = y * y;
    if (xx + yy > 4) return i;
    y = 2 * x * y + cy;
    x = xx - yy + cx;
    if (Math.abs(x - savedX) < 1e-13 && Math.abs(y - savedY) < 1e-13) return maxIter;
    if (i === period) {
      savedX = x;
      savedY = y;
      period *= 2;
    }
  }
  return maxIter;
}

/**
 * A coarse preview of the whole image: the count at the centre of each of up to 32 × 32 cells.
 * Bounded work at submission (≤ 1024 points, most of them cut short by `estimateEscape`).
 */
export interface MandelbrotPreview {
  cellsX: number;
  cellsY: number;
  /** Row-major counts, cellsX × cellsY. */
  counts: Float64Array;
}

export function mandelbrotPreview(params: MandelbrotJobParams): MandelbrotPreview {
  const cellsX = Math.min(MANDELBROT_PREVIEW_CELLS, params.width);
  const cellsY = Math.min(MANDELBROT_PREVIEW_CELLS, params.height);
  const { left, top, step } = mandelbrotView(params);
  const counts = new Float64Array(cellsX * cellsY);
  for (let j = 0; j < cellsY; j++) {
    const py = ((j + 0.5) * params.height) / cellsY - 0.5;
    for (let i = 0; i < cellsX; i++) {
      const px = ((i + 0.5) * params.width) / cellsX - 0.5;
      counts[j * cellsX + i] = estimateEscape(left + px * step, top - py * step, params.maxIter);
    }
  }
  return { cellsX, cellsY, counts };
}

/**
 * Estimated iterations for the tile [x0, x0+w) × [y0, y0+h): each preview cell's count times the
 * pixel area the tile shares with it, clamped to [w·h, w·h·maxIter] (every pixel runs at least one
 * iteration and at most maxIter). Tiles of one image sum to the preview's estimate of the image.
 */
export function estimateTileIterations(
  preview: MandelbrotPreview,
  params: Pick<MandelbrotJobParams, 'width' | 'height' | 'maxIter'>,
  tile: { x0: number; y0: number; w: number; h: number },
): number {
  const cellW = params.width / preview.cellsX;
  const cellH = params.height / preview.cellsY;
  const overlap = (start: number, end: number, cellStart: number, cellEnd: number) =>
    Math.max(0, Math.min(end, cellEnd) - Math.max(start, cellStart));
  let total = 0;
  const firstRow = Math.floor(tile.y0 / cellH);
  const lastRow = Math.min(preview.cellsY - 1, Math.floor((tile.y0 + tile.h) / cellH));
  const firstCol = Math.floor(tile.x0 / cellW);
  const lastCol = Math.min(preview.cellsX - 1, Math.floor((tile.x0 + tile.w) / cellW));
  for (let j = firstRow; j <= lastRow; j++) {
    const rows = overlap(tile.y0, tile.y0 + tile.h, j * cellH, (j + 1) * cellH);
    if (rows === 0) continue;
    for (let i = firstCol; i <= lastCol; i++) {
      const cols = overlap(tile.x0, tile.x0 + tile.w, i * cellW, (i + 1) * cellW);
      total += rows * cols * preview.counts[j * preview.cellsX + i]!;
    }
  }
  const pixels = tile.w * tile.h;
  return Math.min(pixels * params.maxIter, Math.max(pixels, Math.round(total)));
}
