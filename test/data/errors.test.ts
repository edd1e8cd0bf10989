import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { SynganError } from '../../src/core/errors';
import {
  decodeImageFile, encodeIdx, encodeNpy, encodePng, loadDataset, mnistDataDir, parseDatasetSpec, readIdx, writeDataset,
} from '../../src/data';
import { catchSynganError, grayPng, makeTempDir } from './helpers';

const root = makeTempDir('errors');
const cacheDir = path.join(root, 'cache');

function writeFile(name: string, data: Uint8Array | string): string {
  const file = path.join(root, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, data);
  return file;
}

/** Asserts that `fn` throws a SynganError whose message names `file` and matches `pattern`, with a hint. */
function assertFileError(fn: () => unknown, file: string, pattern: RegExp): SynganError {
  const error = catchSynganError(fn);
  assert.ok(error.message.includes(file), `message names ${file}: ${error.message}`);
  assert.match(error.message, pattern);
  assert.ok((error.hint ?? '').length > 0, `a hint comes with: ${error.message}`);
  return error;
}

const labels10 = (): string => writeFile('labels-10', encodeIdx({ shape: [10], data: new Uint8Array(10) }));

test('truncated IDX file', () => {
  const original = fs.readFileSync(path.join(mnistDataDir(), 't10k-images-idx3-ubyte'));
  const file = writeFile('truncated-images-idx3-ubyte', original.subarray(0, 5000));
  assertFileError(() => readIdx(file), file, /truncated IDX file: shape \(10000, 28, 28\) needs 7840000 data bytes but only 4984/);
  const header = writeFile('short-header-idx3-ubyte', original.subarray(0, 10));
  assertFileError(() => readIdx(header), header, /truncated IDX header/);
  assertFileError(() => loadDataset(`idx:${file},${labels10()}`, 'train', { cacheDir }), file, /truncated/);
});

test('IDX wrong magic number', () => {
  const file = writeFile('images.gz', Buffer.from([0x1f, 0x8b, 0x08, 0x00, 1, 2, 3, 4]));
  assertFileError(() => loadDataset(`idx:${file},${labels10()}`, 'train', { cacheDir }), file, /wrong magic number 0x1f8b0800/);
});

test('IDX unsupported data type', () => {
  const bytes = Buffer.concat([Buffer.from([0, 0, 0x0d, 1, 0, 0, 0, 2]), Buffer.alloc(8)]);
  const file = writeFile('floats-idx1', bytes);
  assertFileError(() => readIdx(file), file, /unsupported IDX data type 0x0d \(float32\)/);
});

test('IDX image/label count mismatch', () => {
  const images = writeFile('ten-images-idx3-ubyte', encodeIdx({ shape: [10, 2, 2], data: new Uint8Array(40) }));
  const labels = writeFile('nine-labels-idx1-ubyte', encodeIdx({ shape: [9], data: new Uint8Array(9) }));
  const error = assertFileError(() => loadDataset({ kind: 'idx', images, labels }, 'train', { cacheDir }), images,
    /image\/label count mismatch: .* has 10 images but .* has 9 labels/);
  assert.ok(error.message.includes(labels));
});

test('NPY image/label count mismatch', () => {
  const images = writeFile('npy/images.npy', encodeNpy({ shape: [4, 2, 2], dtype: '|u1', data: new Uint8Array(16) }));
  const labels = writeFile('npy/labels.npy', encodeNpy({ shape: [3], dtype: '|u1', data: new Uint8Array(3) }));
  assertFileError(() => loadDataset(`npy:${images},${labels}`, 'train', { cacheDir }), images, /image\/label count mismatch/);
});

test('NPY float images outside [-1, 1]', () => {
  const images = writeFile('npy-float/images.npy', encodeNpy({ shape: [1, 2, 2], dtype: '<f4', data: Float32Array.from([0, 0.5, 255, 1]) }));
  assertFileError(() => loadDataset(`npy:${images}`, 'train', { cacheDir }), images, /float pixel value 255 at flat index 2 is outside \[-1, 1\]/);
});

test('non-image file in a class folder', () => {
  const dir = path.join(root, 'with-text');
  writeFile('with-text/cat/1.png', encodePng(new Uint8Array(4), 2, 2, 1));
  const file = writeFile('with-text/cat/notes.txt', 'not an image');
  assertFileError(() => loadDataset(dir, 'train', { cacheDir }), file, /not an image file/);
});

test('unreadable image in a class folder', () => {
  const dir = path.join(root, 'broken');
  writeFile('broken/cat/1.png', encodePng(new Uint8Array(4), 2, 2, 1));
  const good = encodePng(new Uint8Array(64), 8, 8, 1);
  const truncated = writeFile('broken/cat/2.png', good.subarray(0, good.length - 20));
  assertFileError(() => loadDataset(dir, 'train', { cacheDir }), truncated, /unreadable PNG image/);

  fs.rmSync(truncated);
  const fake = writeFile('broken/cat/3.jpg', 'plain text with a .jpg name');
  assertFileError(() => loadDataset(dir, 'train', { cacheDir }), fake, /not a PNG or JPEG image/);

  fs.rmSync(fake);
  const badJpeg = writeFile('broken/cat/4.jpg', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xd9]));
  assertFileError(() => decodeImageFile(badJpeg), badJpeg, /unreadable JPEG image/);
});

test('class folder with no images', () => {
  const dir = path.join(root, 'empty-class');
  writeFile('empty-class/cat/1.png', encodePng(new Uint8Array(4), 2, 2, 1));
  fs.mkdirSync(path.join(dir, 'dog'));
  writeFile('empty-class/dog/.hidden', '');
  assertFileError(() => loadDataset(dir, 'train', { cacheDir }), path.join(dir, 'dog'), /class folder dog has no images/);
});

test('folder without class subfolders', () => {
  const dir = path.join(root, 'no-classes');
  writeFile('no-classes/1.png', encodePng(new Uint8Array(4), 2, 2, 1));
  assertFileError(() => loadDataset(dir, 'train', { cacheDir }), dir, /no class subfolders found/);
});

test('unsupported PNG bit depth', () => {
  const file = writeFile('depth/cat/1.png', grayPng(2, 2, 3, [0, 1, 2, 3]));
  assertFileError(() => decodeImageFile(file), file, /unsupported PNG bit depth/);
  assertFileError(() => loadDataset(path.join(root, 'depth'), 'train', { cacheDir }), file, /unsupported PNG bit depth/);
});

test('path that does not exist', () => {
  const missing = path.join(root, 'no-such-dataset');
  assertFileError(() => parseDatasetSpec(missing), missing, /not found/);
  assertFileError(() => loadDataset(missing, 'train', { cacheDir }), missing, /not found/);
  assertFileError(() => loadDataset(`folder:${missing}`, 'train', { cacheDir }), missing, /folder not found/);
  const labels = path.join(root, 'no-labels');
  assertFileError(() => loadDataset(`idx:${missing},${labels}`, 'train', { cacheDir }), missing, /file not found/);
  assertFileError(() => loadDataset(`npy:${missing}`, 'train', { cacheDir }), missing, /file not found/);
  assertFileError(() => decodeImageFile(missing), missing, /file not found/);
});

test('invalid dataset spec text', () => {
  assert.match(catchSynganError(() => parseDatasetSpec('idx:only-one')).message, /idx: needs two paths/);
  assert.match(catchSynganError(() => parseDatasetSpec('folder:')).message, /folder: needs a path/);
  assert.match(catchSynganError(() => parseDatasetSpec('npy:a,b,c')).message, /npy: needs IMAGES or IMAGES,LABELS/);
  const textFile = writeFile('readme.txt', 'hello');
  assertFileError(() => parseDatasetSpec(textFile), textFile, /not a dataset/);
});

test('written dataset changed on disk', () => {
  const dir = path.join(root, 'tampered');
  writeDataset({
    name: 'tiny', split: 'all', count: 2, height: 2, width: 2, channels: 1, images: new Uint8Array(8), labels: Uint8Array.from([0, 1]),
    classNames: ['a', 'b'], checksums: {},
  }, 'npy', dir);
  const images = path.join(dir, 'images.npy');
  const bytes = fs.readFileSync(images);
  bytes[bytes.length - 1] = 9;
  fs.writeFileSync(images, bytes);
  assertFileError(() => loadDataset(dir, 'train', { cacheDir }), images, /differs from .* in manifest\.json/);

  fs.writeFileSync(path.join(dir, 'manifest.json'), '{"format": "tiff"');
  assertFileError(() => loadDataset(dir, 'train', { cacheDir }), path.join(dir, 'manifest.json'), /unreadable dataset manifest/);
});
