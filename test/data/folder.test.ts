import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import jpeg from 'jpeg-js';

import { projectRoot, sha256 } from '../../src/core/files';
import { classCounts, datasetChecksum, decodeImageFile, encodePng, loadDataset, parseDatasetSpec } from '../../src/data';
import { catchSynganError, grayPng, makeTempDir } from './helpers';

const root = makeTempDir('folder');
const cacheDir = path.join(root, 'cache');

function filled(length: number, value: (i: number) => number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => value(i));
}

/** A flat RGB image of `height × width` in colour (r, g, b), as a JPEG at quality 95. */
function flatJpeg(height: number, width: number, r: number, g: number, b: number): Buffer {
  const data = Buffer.alloc(height * width * 4);
  for (let p = 0; p < height * width; p += 1) data.set([r, g, b, 255], 4 * p);
  return jpeg.encode({ data, width, height }, 95).data;
}

/**
 * Builds a folder of two classes in mixed formats and sizes:
 * circle/ a 4×4 gray PNG gradient, a 16-bit 4×4 gray PNG;
 * square/ an 8×8 RGB PNG of one colour, a 4×4 JPEG of one colour.
 */
function mixedFolder(dir: string): void {
  fs.mkdirSync(path.join(dir, 'circle'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'square'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'circle', 'a.png'), encodePng(filled(16, (i) => i * 16), 4, 4, 1));
  fs.writeFileSync(path.join(dir, 'circle', 'b.png'), grayPng(4, 4, 16, Array.from({ length: 16 }, (_, i) => i * 257 * 17)));
  fs.writeFileSync(path.join(dir, 'square', 'c.PNG'), encodePng(filled(8 * 8 * 3, (i) => [200, 100, 50][i % 3]), 8, 8, 3));
  fs.writeFileSync(path.join(dir, 'square', 'd.jpg'), flatJpeg(4, 4, 30, 160, 220));
  fs.writeFileSync(path.join(dir, 'square', '.DS_Store'), 'ignored');
}

test('decodeImageFile PNG and JPEG', () => {
  const dir = path.join(root, 'decode');
  mixedFolder(dir);
  const gray = decodeImageFile(path.join(dir, 'circle', 'a.png'));
  assert.deepEqual([gray.height, gray.width, gray.channels], [4, 4, 1]);
  assert.deepEqual(Array.from(gray.pixels), Array.from(filled(16, (i) => i * 16)));

  const deep = decodeImageFile(path.join(dir, 'circle', 'b.png'));
  assert.equal(deep.channels, 1);
  // 16-bit samples k × 257 scale to the 8-bit value k.
  assert.deepEqual(Array.from(deep.pixels), Array.from(filled(16, (i) => i * 17)));

  const rgb = decodeImageFile(path.join(dir, 'square', 'c.PNG'));
  assert.deepEqual([rgb.height, rgb.width, rgb.channels], [8, 8, 3]);
  assert.deepEqual(Array.from(rgb.pixels.subarray(0, 6)), [200, 100, 50, 200, 100, 50]);

  const photo = decodeImageFile(path.join(dir, 'square', 'd.jpg'));
  assert.deepEqual([photo.height, photo.width, photo.channels], [4, 4, 3]);
  [30, 160, 220].forEach((expected, c) => assert.ok(Math.abs(photo.pixels[c] - expected) <= 4, `JPEG channel ${c}: ${photo.pixels[c]}`));
});

test('decodeImageFile grayscale JPEG', () => {
  // An 8×8 one-component baseline JPEG (written by Pillow at quality 100) whose rows are the
  // ramp 0, 32, …, 224.
  const file = path.join(projectRoot(), 'test', 'data', 'fixtures', 'gray-gradient-8x8.jpg');
  const image = decodeImageFile(file);
  assert.deepEqual([image.height, image.width, image.channels], [8, 8, 1]);
  const ramp = [0, 32, 64, 96, 128, 160, 192, 224];
  for (let x = 0; x < 8; x += 1) {
    assert.ok(Math.abs(image.pixels[x] - ramp[x]) <= 2, `pixel ${x}: ${image.pixels[x]}`);
    assert.ok(Math.abs(image.pixels[56 + x] - ramp[x]) <= 2, `pixel ${56 + x}: ${image.pixels[56 + x]}`);
  }
});

test('image folder resized to RGB', () => {
  const dir = path.join(root, 'mixed');
  mixedFolder(dir);
  const ds = loadDataset({ kind: 'folder', path: dir, height: 4, width: 4 }, 'train', { cacheDir });
  assert.deepEqual([ds.count, ds.height, ds.width, ds.channels], [4, 4, 4, 3]);
  assert.deepEqual(ds.classNames, ['circle', 'square']);
  assert.deepEqual(Array.from(ds.labels), [0, 0, 1, 1]);
  assert.deepEqual(classCounts(ds), [2, 2]);
  assert.equal(ds.name, 'mixed');
  const image = (i: number): number[] => Array.from(ds.images.subarray(i * 48, (i + 1) * 48));
  // Gray images are repeated into three channels.
  assert.deepEqual(image(0).filter((_, j) => j % 3 === 0), Array.from(filled(16, (i) => i * 16)));
  assert.deepEqual(image(0).filter((_, j) => j % 3 === 1), Array.from(filled(16, (i) => i * 16)));
  // The flat 8×8 image keeps its colour when resized to 4×4.
  assert.deepEqual(image(2), Array.from(filled(48, (i) => [200, 100, 50][i % 3])));
  assert.match(ds.checksums['mixed/'], /^[0-9a-f]{64}$/);
});

test('image folder converted to grayscale', () => {
  const dir = path.join(root, 'mixed-gray');
  mixedFolder(dir);
  const ds = loadDataset(`folder:${dir}`, 'all', { cacheDir, height: 2, width: 2, channels: 1 });
  assert.deepEqual([ds.count, ds.height, ds.width, ds.channels], [4, 2, 2, 1]);
  // BT.601 luma of (200, 100, 50): 0.299×200 + 0.587×100 + 0.114×50 = 124.2.
  assert.deepEqual(Array.from(ds.images.subarray(8, 12)), [124, 124, 124, 124]);
});

test('image folder cache hit and change', () => {
  const dir = path.join(root, 'cached');
  mixedFolder(dir);
  const folderCache = path.join(root, 'cache-folder');
  const first = loadDataset(dir, 'train', { cacheDir: folderCache, height: 4, width: 4 });
  const second = loadDataset(dir, 'train', { cacheDir: folderCache, height: 4, width: 4 });
  assert.equal(sha256(second.images), sha256(first.images));
  assert.equal(datasetChecksum(second), datasetChecksum(first));
  assert.equal(fs.readdirSync(folderCache).length, 1);

  // Replacing an image changes its size and modification time, so the cache entry misses.
  fs.writeFileSync(path.join(dir, 'circle', 'a.png'), encodePng(filled(64, () => 255), 8, 8, 1));
  const changed = loadDataset(dir, 'train', { cacheDir: folderCache, height: 4, width: 4 });
  assert.deepEqual(Array.from(changed.images.subarray(0, 48)), new Array(48).fill(255));
  assert.notEqual(datasetChecksum(changed), datasetChecksum(first));
  assert.equal(fs.readdirSync(folderCache).length, 1, 'the new entry replaces the stale one');
});

test('image folder train and test layout', () => {
  const dir = path.join(root, 'split');
  for (const [part, count] of [['train', 3], ['test', 2]] as const) {
    for (const className of ['no', 'yes']) {
      fs.mkdirSync(path.join(dir, part, className), { recursive: true });
      for (let i = 0; i < count; i += 1) {
        const value = (className === 'yes' ? 128 : 0) + (part === 'test' ? 1 : 0);
        fs.writeFileSync(path.join(dir, part, className, `${i}.png`), encodePng(filled(9, () => value), 3, 3, 1));
      }
    }
  }
  const train = loadDataset(dir, 'train', { cacheDir });
  const testSplit = loadDataset(dir, 'test', { cacheDir });
  const all = loadDataset(dir, 'all', { cacheDir });
  assert.deepEqual([train.count, testSplit.count, all.count], [6, 4, 10]);
  assert.deepEqual(classCounts(testSplit), [2, 2]);
  assert.deepEqual(testSplit.classNames, ['no', 'yes']);
  assert.equal(testSplit.images[0], 1);
  assert.equal(train.images[0], 0);
  assert.deepEqual(Object.keys(all.checksums).sort(), ['test/', 'train/']);
});

test('flat image folder has no test split', () => {
  const dir = path.join(root, 'flat');
  mixedFolder(dir);
  const error = catchSynganError(() => loadDataset(dir, 'test', { cacheDir, height: 4, width: 4 }));
  assert.match(error.message, /has no test split/);
  assert.ok(error.message.startsWith(dir));
});

test('image folder of unequal sizes needs a size', () => {
  const dir = path.join(root, 'unequal');
  mixedFolder(dir);
  const error = catchSynganError(() => loadDataset(dir, 'train', { cacheDir }));
  assert.ok(error.message.includes(path.join(dir, 'square', 'c.PNG')), error.message);
  assert.match(error.message, /is 8×8 but .* is 4×4/);
  assert.match(error.hint ?? '', /height and width/);
});

test('bare folder path is a folder spec', () => {
  const dir = path.join(root, 'spec');
  mixedFolder(dir);
  assert.deepEqual(parseDatasetSpec(dir), { kind: 'folder', path: dir });
});
