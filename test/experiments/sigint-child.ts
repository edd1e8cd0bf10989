// Child process of the SIGINT test: trains a long tiny run and prints its record when train()
// returns. Runs only when SYNGAN_SIGINT_CHILD_RUNS_DIR is set, because the test runner also
// loads every file under test/.
import { train } from '../../src/experiments';
import { tinyConfig } from './helpers';

const runsDir = process.env.SYNGAN_SIGINT_CHILD_RUNS_DIR;
if (runsDir) {
  train(tinyConfig({ name: 'sigint', steps: 100_000, checkpointEverySteps: 100_000 }), {
    runsDir,
    onProgress: (event) => process.stdout.write(`progress ${event.done}\n`),
  }).then((record) => {
    process.stdout.write(`record ${JSON.stringify({ status: record.status, steps: record.steps, dir: record.dir })}\n`);
  }, (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exitCode = 2;
  });
}
