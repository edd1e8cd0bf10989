import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { sha256 } from '../../src/core/files';
import { Random } from '../../src/core/random';
import {
  createDatasetWriter, type DatasetFormat, type ImageDataset, loadDataset, parseDatasetSpec, subsetDataset, writeDataset,
} from '../../src/data';
import { catchSynganError, makeTempDir, runPythonJson } from './helpers';

const root = makeTempDir('roundtrip');
const cacheDir = path.join(root, 'cache');

/** 12 random RGB images of 5×7 in 3 classes whose names need escaping on disk and in CSV. */
function rgbDataset(): ImageDataset {
  const random = new Random(7);
  const count = 12;
  const images = new Uint8Array(count * 5 * 7 * 3).map(() => random.int(256));
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 3);
  return {
    name: 'rgb', split: 'all', count, height: 5, width: 7, channels: 3, images, labels,
    classNames: ['T-shirt/top', 'say "hi", twice', 'Ankle boot'], checksums: { generated: 'none' },
  };
}

function mnistSample(): ImageDataset {
  return subsetDataset(loadDataset('mnist', 'test', { cacheDir }), Array.from({ length: 50 }, (_, i) => i * 7));
}

// A reader written only against the formats' specifications, with no syngan code: IDX by its
// big-endian header, NPY with numpy.load, PNG by inflating and unfiltering its IDAT chunks.
const PYTHON_READER = String.raw`
import csv, hashlib, json, os, struct, sys, zlib
import numpy as np

def read_idx(file):
    data = open(file, 'rb').read()
    zero, dtype, ndim = struct.unpack('>HBB', data[:4])
    assert zero == 0 and dtype == 8
    shape = struct.unpack('>' + 'I' * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data[4 + 4 * ndim:], dtype=np.uint8).reshape(shape)

def read_png(file):
    data = open(file, 'rb').read()
    assert data[:8] == b'\x89PNG\r\n\x1a\n'
    pos, idat = 8, b''
    while pos < len(data):
        length, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b'IHDR':
            width, height, depth, color = struct.unpack('>IIBB', body[:10])
        elif kind == b'IDAT':
            idat += body
        pos += 12 + length
    assert depth == 8 and color in (0, 2)
    bpp = 1 if color == 0 else 3
    raw = zlib.decompress(idat)
    stride = width * bpp
    out = bytearray()
    prev = bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1: line[x] = (line[x] + a) & 255
            elif f == 2: line[x] = (line[x] + b) & 255
            elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        out += line
        prev = line
    return np.frombuffer(bytes(out), dtype=np.uint8).reshape(height, width, bpp)

folder, fmt = sys.argv[1], sys.argv[2]
if fmt == 'idx':
    names = os.listdir(folder)
    images = read_idx(os.path.join(folder, [n for n in names if n.startswith('images-idx')][0]))
    labels = read_idx(os.path.join(folder, 'labels-idx1-ubyte'))
    if images.ndim == 3: images = images[..., None]
elif fmt == 'npy':
    images = np.load(os.path.join(folder, 'images.npy'))
    labels = np.load(os.path.join(folder, 'labels.npy'))
    if images.dtype == np.float32:
        images = np.clip(np.rint((images.astype(np.float64) + 1) * 127.5), 0, 255).astype(np.uint8)
else:
    rows = list(csv.DictReader(open(os.path.join(folder, 'labels.csv'), newline='')))
    images = np.stack([read_png(os.path.join(folder, r['file'])) for r in rows])
    labels = np.array([int(r['label']) for r in rows], dtype=np.uint8)
    class_names = sorted(set((int(r['label']), r['class_name']) for r in rows))
print(json.dumps({
    'shape': list(images.shape), 'dtype': str(np.load(os.path.join(folder, 'images.npy')).dtype) if fmt == 'npy' else 'uint8',
    'labels_dtype': str(labels.dtype), 'images_sha256': hashlib.sha256(np.ascontiguousarray(images).tobytes()).hexdigest(),
    'labels': labels.tolist(), 'class_names': class_names if fmt == 'png' else None,
}))
`;

interface PythonView {
  shape: number[];
  dtype: string;
  labels_dtype: string;
  images_sha256: string;
  labels: number[];
  class_names: Array<[number, string]> | null;
}

for (const [caseName, make] of [['gray', mnistSample], ['RGB', rgbDataset]] as const) {
  for (const format of ['idx', 'png', 'npy'] as DatasetFormat[]) {
    test(`${format} round trip, ${caseName}`, () => {
      const ds = make();
      const outDir = path.join(root, `${format}-${caseName}`);
      const manifest = writeDataset(ds, format, outDir, { extraManifest: { generator: 'test' } });

      assert.equal(manifest.format, format);
      assert.equal(manifest.count, ds.count);
      assert.equal(manifest.generator, 'test');
      assert.deepEqual(manifest.classNames, ds.classNames);
      assert.equal(manifest.countsPerClass.reduce((a, b) => a + b, 0), ds.count);
      const onDisk = JSON.parse(fs.readFileSync(path.join(outDir, 'manifest.json'), 'utf8'));
      assert.deepEqual(onDisk, JSON.parse(JSON.stringify(manifest)));
      assert.deepEqual(fs.readdirSync(root).filter((name) => name.includes('.tmp-')), [], 'no temporary folder is left');

      const view = runPythonJson(PYTHON_READER, [outDir, format]) as PythonView;
      assert.deepEqual(view.shape, [ds.count, ds.height, ds.width, ds.channels]);
      assert.equal(view.images_sha256, sha256(ds.images));
      assert.deepEqual(view.labels, Array.from(ds.labels));
      assert.equal(view.labels_dtype, 'uint8');
      if (format === 'npy') assert.equal(view.dtype, 'uint8');
      if (format === 'png') assert.deepEqual(view.class_names, [...new Set(Array.from(ds.labels))].sort().map((l) => [l, ds.classNames[l]]));

      const loaded = loadDataset(outDir, 'train', { cacheDir });
      assert.equal(sha256(loaded.images), sha256(ds.images));
      assert.equal(sha256(loaded.labels), sha256(ds.labels));
      assert.deepEqual(loaded.classNames, ds.classNames);
      assert.deepEqual([loaded.count, loaded.height, loaded.width, loaded.channels], [ds.count, ds.height, ds.width, ds.channels]);
      for (const [file, entry] of Object.entries(manifest.files)) assert.equal(loaded.checksums[file], entry.sha256);
    });
  }
}

test('npy float32 round trip', () => {
  const ds = rgbDataset();
  const outDir = path.join(root, 'npy-float');
  const manifest = writeDataset(ds, 'npy', outDir, { npyImageDtype: '<f4' });
  assert.equal(manifest.npyImageDtype, '<f4');
  const view = runPythonJson(PYTHON_READER, [outDir, 'npy']) as PythonView;
  assert.equal(view.dtype, 'float32');
  assert.equal(view.images_sha256, sha256(ds.images));
  const range = runPythonJson(
    'import json,sys,numpy as np; a=np.load(sys.argv[1]); print(json.dumps([float(a.min()), float(a.max()), float(a.flat[0])]))',
    [path.join(outDir, 'images.npy')],
  ) as number[];
  assert.ok(range[0] >= -1, `min ${range[0]}`);
  assert.ok(range[1] <= 1, `max ${range[1]}`);
  assert.ok(Math.abs(range[2] - (ds.images[0] / 127.5 - 1)) < 1e-6);
  const loaded = loadDataset(outDir, 'all', { cacheDir });
  assert.equal(sha256(loaded.images), sha256(ds.images));
});

test('idx and npy specs by path', () => {
  const ds = rgbDataset();
  const idxDir = path.join(root, 'idx-RGB-spec');
  writeDataset(ds, 'idx', idxDir);
  const spec = parseDatasetSpec(`idx:${path.join(idxDir, 'images-idx4-ubyte')},${path.join(idxDir, 'labels-idx1-ubyte')}`);
  const loaded = loadDataset(spec, 'train', { cacheDir });
  assert.equal(sha256(loaded.images), sha256(ds.images));
  assert.deepEqual(loaded.classNames, ds.classNames, 'class names come from manifest.json beside the files');
  assert.deepEqual(parseDatasetSpec(path.join(idxDir, 'images-idx4-ubyte')), spec);

  const npyDir = path.join(root, 'npy-RGB-spec');
  writeDataset(ds, 'npy', npyDir);
  const npyImages = path.join(npyDir, 'images.npy');
  const unlabelled = loadDataset(`npy:${npyImages}`, 'train', { cacheDir });
  assert.deepEqual(unlabelled.classNames, ds.classNames);
  assert.equal(sha256(unlabelled.images), sha256(ds.images));
  assert.deepEqual(parseDatasetSpec(npyImages), { kind: 'npy', images: npyImages, labels: path.join(npyDir, 'labels.npy') });
});

test('written dataset has no test split', () => {
  const outDir = path.join(root, 'npy-no-test');
  writeDataset(rgbDataset(), 'npy', outDir);
  const error = catchSynganError(() => loadDataset(outDir, 'test', { cacheDir }));
  assert.match(error.message, /has no test split/);
  assert.ok(error.message.includes(outDir));
});

test('writer rejects existing folder', () => {
  const outDir = path.join(root, 'existing');
  writeDataset(rgbDataset(), 'idx', outDir);
  const before = sha256(fs.readFileSync(path.join(outDir, 'images-idx4-ubyte')));
  const error = catchSynganError(() => writeDataset(rgbDataset(), 'idx', outDir));
  assert.match(error.message, /already exists/);
  assert.equal(sha256(fs.readFileSync(path.join(outDir, 'images-idx4-ubyte'))), before);

  const gray = mnistSample();
  writeDataset(gray, 'idx', outDir, { overwrite: true });
  assert.ok(fs.existsSync(path.join(outDir, 'images-idx3-ubyte')));
  assert.ok(!fs.existsSync(path.join(outDir, 'images-idx4-ubyte')), 'overwrite replaces the whole folder');
  assert.deepEqual(fs.readdirSync(root).filter((name) => name.includes('.tmp-')), []);
});

test('writer streams chunks and aborts cleanly', () => {
  const ds = rgbDataset();
  const size = 5 * 7 * 3;
  const outDir = path.join(root, 'streamed');
  const options = { count: ds.count, height: 5, width: 7, channels: 3 as const, classNames: ds.classNames };

  const aborted = createDatasetWriter('png', outDir, options);
  aborted.write(ds.images.subarray(0, 4 * size), ds.labels.subarray(0, 4), 4);
  aborted.abort();
  assert.ok(!fs.existsSync(outDir));

  const incomplete = createDatasetWriter('npy', outDir, options);
  incomplete.write(ds.images.subarray(0, 4 * size), ds.labels.subarray(0, 4), 4);
  assert.match(catchSynganError(() => incomplete.close()).message, /4 of the declared 12 images were written/);
  assert.ok(!fs.existsSync(outDir));

  const writer = createDatasetWriter('npy', outDir, options);
  for (let start = 0; start < ds.count; start += 5) {
    const end = Math.min(ds.count, start + 5);
    writer.write(ds.images.subarray(start * size, end * size), ds.labels.subarray(start, end), end - start);
  }
  const manifest = writer.close({ seed: 3 });
  assert.equal(manifest.seed, 3);
  assert.deepEqual(manifest.countsPerClass, [4, 4, 4]);
  assert.equal(sha256(loadDataset(outDir, 'train', { cacheDir }).images), sha256(ds.images));
  assert.deepEqual(fs.readdirSync(root).filter((name) => name.includes('.tmp-')), []);
});
