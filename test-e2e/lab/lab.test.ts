/// <reference lib="dom" />
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import puppeteer, { Browser, Page } from 'puppeteer-core';

import { ensureJupyterLab, installKernelSpec, KERNEL_DISPLAY_NAME, KERNEL_NAME, labPaths, LabServer, startJupyterLab } from '../../src/cli/lab';
import { findChromium } from '../../src/core/environment';
import { projectRoot } from '../../src/core/files';

// Drives JupyterLab in headless Chromium the way a user would: open a notebook, run a cell that
// trains a tiny GAN for a few steps and shows its sample grid, then rerun it and see the run
// come back from the cache.

const root = projectRoot();
const outDir = path.join(root, 'test-output', 'lab');
const notebookRelative = 'test-output/lab/lab-e2e.ipynb';
const runsDir = path.join(outDir, 'runs');

const TRAIN_CELL = [
  'import * as sg from "../../dist/src";',
  'const ui = sg.notebookDisplay();',
  'const config = { name: "lab-e2e", family: "dcgan", dataset: "mnist", steps: 6, batchSize: 16, width: 8, latentDim: 16, seed: 7, sampleEverySteps: 3, checkpointEverySteps: 3, maxImages: 512 } as const;',
  'const startedMs = Date.now();',
  `const run = await sg.trainRun(config, { runsDir: ${JSON.stringify(runsDir)}, onProgress: ui.progress() });`,
  'ui.text(`run ${run.id}: ${run.status} after ${run.steps} steps; cell took ${Date.now() - startedMs} ms; fromCache=${Boolean(run.fromCache)}`);',
  'ui.png(sg.readRunSamplePng(run), { caption: "Samples of the tiny run" });',
].join('\n');

function writeNotebook(file: string): void {
  const notebook = {
    cells: [{ cell_type: 'code', id: 'train-cell', metadata: {}, source: TRAIN_CELL, execution_count: null, outputs: [] }],
    metadata: { kernelspec: { name: KERNEL_NAME, display_name: KERNEL_DISPLAY_NAME, language: 'typescript' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(notebook, null, 1));
}

let server: LabServer | undefined;
let browser: Browser | undefined;
let page: Page;

async function runAllAndWait(expectedRuns: number): Promise<string> {
  // The command's promise settles only when every cell has run, so it is not awaited here.
  await page.evaluate(() => {
    void (window as unknown as { jupyterapp: { commands: { execute(id: string): Promise<unknown> } } })
      .jupyterapp.commands.execute('notebook:run-all-cells');
  });
  // The cell's text output names the run; wait until this run's line is there.
  await page.waitForFunction((count: number) => {
    const texts = Array.from(document.querySelectorAll('.jp-OutputArea-output')).map((node) => node.textContent ?? '');
    return texts.filter((text) => text.includes('cell took')).length >= 1 &&
      document.querySelectorAll('.jp-InputArea-prompt').length > 0 &&
      Array.from(document.querySelectorAll('.jp-InputArea-prompt')).some((node) => (node.textContent ?? '').includes(`[${count}]`));
  }, { timeout: 300_000 }, expectedRuns);
  return page.evaluate(() => Array.from(document.querySelectorAll('.jp-OutputArea-output')).map((node) => node.textContent ?? '').join('\n'));
}

before(async () => {
  fs.rmSync(outDir, { recursive: true, force: true });
  const paths = labPaths();
  ensureJupyterLab(paths, () => undefined);
  installKernelSpec(paths);
  writeNotebook(path.join(root, notebookRelative));
  server = await startJupyterLab(paths, { quiet: true, exposeApp: true });
  const executablePath = findChromium();
  assert.ok(executablePath, 'Chromium is needed: run npm run setup');
  browser = await puppeteer.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('notebook trains and shows samples', { timeout: 600_000 }, async (t) => {
  t.after(async () => {
    await page.screenshot({ path: path.join(outDir, 'lab-last.png') }).catch(() => undefined);
  });
  const base = `http://127.0.0.1:${server!.port}`;
  await page.goto(`${base}/lab/tree/${notebookRelative}?token=${server!.token}`, { waitUntil: 'domcontentloaded', timeout: 120_000 });
  await page.waitForFunction(() => 'jupyterapp' in window, { timeout: 120_000 });
  await page.waitForSelector('.jp-Notebook .jp-Cell', { timeout: 120_000 });
  // JupyterLab may ask which kernel to use. The test picks the syngan kernel, as a user would.
  const dialog = await page.waitForSelector('.jp-Dialog select', { timeout: 15_000 }).catch(() => null);
  if (dialog) {
    await page.evaluate((displayName: string) => {
      const select = document.querySelector('.jp-Dialog select') as HTMLSelectElement;
      const option = Array.from(select.options).find((item) => item.textContent === displayName);
      if (option) select.value = option.value;
      select.dispatchEvent(new Event('change', { bubbles: true }));
    }, KERNEL_DISPLAY_NAME);
    await page.click('.jp-Dialog .jp-mod-accept');
  }
  // Wait for the kernel to be idle before running.
  await page.waitForFunction(() => document.querySelector('.jp-Notebook-ExecutionIndicator[data-status="idle"]') !== null, { timeout: 120_000 });

  const firstText = await runAllAndWait(1);
  await page.waitForSelector('.jp-OutputArea-output img', { timeout: 60_000 });
  await page.screenshot({ path: path.join(outDir, 'lab-first-run.png') });
  assert.match(firstText, /steps/, 'the progress line is shown');
  assert.match(firstText, /status? ?complete|: complete after 6 steps/);
  assert.match(firstText, /fromCache=false/);
  const imageSize = await page.evaluate(() => {
    const image = document.querySelector('.jp-OutputArea-output img') as HTMLImageElement;
    return { width: image.naturalWidth, height: image.naturalHeight, src: image.src.slice(0, 22) };
  });
  assert.equal(imageSize.src, 'data:image/png;base64,');
  assert.ok(imageSize.width > 28, `sample grid is ${imageSize.width} pixels wide`);
  assert.ok(imageSize.height > 28, `sample grid is ${imageSize.height} pixels high`);

  const secondText = await runAllAndWait(2);
  await page.screenshot({ path: path.join(outDir, 'lab-rerun.png') });
  assert.match(secondText, /fromCache=true/, 'the rerun returns the stored run');
});
