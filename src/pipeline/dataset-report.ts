import { Random } from '../core/random';
import { classCounts, encodePng, imageGrid, imageSize, ImageDataset } from '../data';
import type { PlotlyFigure } from '../core/notebook-display';

/** Summary statistics of a dataset's pixels and labels. */
export interface DatasetStatistics {
  name: string;
  split: string;
  count: number;
  height: number;
  width: number;
  channels: number;
  classCount: number;
  countsPerClass: number[];
  /** Largest class count divided by the smallest (1 = perfectly balanced). */
  imbalanceRatio: number;
  /** Mean pixel intensity on the 0..255 scale. */
  meanIntensity: number;
  /** Standard deviation of pixel intensity on the 0..255 scale. */
  stdIntensity: number;
  /** Fraction of pixels that are exactly 0 (background). */
  zeroFraction: number;
}

/** Computes the statistics of a dataset in one pass over its bytes. */
export function datasetStatistics(ds: ImageDataset): DatasetStatistics {
  let sum = 0;
  let sumSquares = 0;
  let zeros = 0;
  for (let i = 0; i < ds.images.length; i += 1) {
    const value = ds.images[i];
    sum += value;
    sumSquares += value * value;
    if (value === 0) zeros += 1;
  }
  const n = ds.images.length;
  const mean = sum / n;
  const counts = classCounts(ds);
  const nonEmpty = counts.filter((count) => count > 0);
  return {
    name: ds.name,
    split: ds.split,
    count: ds.count,
    height: ds.height,
    width: ds.width,
    channels: ds.channels,
    classCount: ds.classNames.length,
    countsPerClass: counts,
    imbalanceRatio: nonEmpty.length > 0 ? Math.max(...nonEmpty) / Math.min(...nonEmpty) : Number.NaN,
    meanIntensity: mean,
    stdIntensity: Math.sqrt(Math.max(0, sumSquares / n - mean * mean)),
    zeroFraction: zeros / n,
  };
}

/**
 * A PNG grid with `perClass` random images of every class, one row per class, drawn with a
 * seeded generator so the same seed shows the same images.
 */
export function classSampleGrid(ds: ImageDataset, perClass: number, seed: number): Uint8Array {
  const random = new Random(`class-sample-grid/${seed}`);
  const byClass: number[][] = ds.classNames.map(() => []);
  for (let i = 0; i < ds.count; i += 1) byClass[ds.labels[i]].push(i);
  const size = imageSize(ds);
  const rows = byClass.filter((indices) => indices.length > 0);
  const images = new Uint8Array(rows.length * perClass * size);
  rows.forEach((indices, row) => {
    random.shuffle(indices);
    for (let column = 0; column < perClass; column += 1) {
      if (column >= indices.length) continue;
      const source = indices[column] * size;
      images.set(ds.images.subarray(source, source + size), (row * perClass + column) * size);
    }
  });
  const channels = ds.channels as 1 | 3;
  const grid = imageGrid(images, rows.length * perClass, ds.height, ds.width, channels, perClass);
  return encodePng(grid.pixels, grid.height, grid.width, channels);
}

/** A grouped bar chart of images per class, one trace per dataset. */
export function classBalanceFigure(stats: DatasetStatistics[], classNames: string[][]): PlotlyFigure {
  return {
    data: stats.map((s, i) => ({
      type: 'bar',
      name: `${s.name} (${s.split})`,
      x: classNames[i].map((name, c) => `${c}: ${name}`),
      y: s.countsPerClass,
    })),
    layout: {
      title: { text: 'Images per class' },
      barmode: 'group',
      xaxis: { title: { text: 'class' } },
      yaxis: { title: { text: 'images' } },
      height: 380,
      margin: { t: 50, b: 90 },
    },
  };
}
