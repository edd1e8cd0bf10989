import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';

import { projectRoot } from '../../src/core/files';

// Notebooks compile the project code they import with the TypeScript that tslab bundles, so
// src/ must type-check with that older compiler too.
test('src compiles with tslab TypeScript', () => {
  const root = projectRoot();
  const tsc = path.join(root, 'node_modules', '@tslab', 'typescript-for-tslab', 'lib', 'tsc.js');
  const version = require(path.join(root, 'node_modules', '@tslab', 'typescript-for-tslab', 'package.json')).version as string;
  const result = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.tslab.json')], { cwd: root, encoding: 'utf8' });
  assert.match(version, /^5\.0\./);
  assert.equal(result.status, 0, `TypeScript ${version} errors:\n${result.stdout}${result.stderr}`);
});
