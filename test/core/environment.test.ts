import assert from 'node:assert/strict';
import { test } from 'node:test';

import { packageVersion } from '../../src/core/environment';

test('packageVersion reads installed versions', () => {
  assert.equal(packageVersion('@tensorflow/tfjs-node'), '4.22.0');
  // ml-matrix's "exports" field hides its package.json from require().
  assert.match(packageVersion('ml-matrix') ?? 'missing', /^\d+\.\d+\.\d+$/);
  assert.equal(packageVersion('no-such-package-syngan'), undefined);
});
