#!/usr/bin/env node
import { Command, Option } from 'commander';

import { parseBackendRequest } from '../core/backend';
import { formatError, SynganError } from '../core/errors';
import { synganVersion } from '../core/environment';
import { formatDoctorReport, runDoctor } from './doctor';

/**
 * Builds the `syngan` command. Subcommands load their modules lazily, so `syngan --help` and
 * `syngan doctor` start fast and the backend can be chosen before TensorFlow.js loads.
 */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name('syngan')
    .description('Train GANs into labelled synthetic image datasets, measure them, and build the report.')
    .version(synganVersion())
    .addOption(new Option('--backend <kind>', 'TensorFlow.js backend: auto, gpu, cpu or js').env('SYNGAN_BACKEND'))
    .option('--threads <n>', 'intra-op threads of the native backend (also SYNGAN_THREADS; default: all CPUs)')
    .showHelpAfterError('(run with --help for usage)')
    .hook('preAction', (command) => {
      const options = command.opts<{ backend?: string; threads?: string }>();
      if (options.backend !== undefined) process.env.SYNGAN_BACKEND = parseBackendRequest(options.backend);
      if (options.threads !== undefined) process.env.SYNGAN_THREADS = options.threads;
    });

  program
    .command('doctor')
    .description('show the backend, TensorFlow version, threads, Chromium, tslab, JupyterLab and cache folders')
    .option('--allow-js', 'do not fail when only the pure-JavaScript backend is available')
    .option('--json', 'print the report as JSON')
    .action((options: { allowJs?: boolean; json?: boolean }) => {
      const report = runDoctor({ allowJs: options.allowJs });
      console.log(options.json ? JSON.stringify(report, null, 2) : formatDoctorReport(report));
      if (!report.trainingReady || report.checks.some((check) => !check.ok)) process.exitCode = 1;
    });

  program
    .command('train')
    .description('train a GAN from a config file and/or flags; the run goes to runs/<name>-<hash>/ (Ctrl-C checkpoints; rerun to resume)')
    .option('--config <file>', 'JSON config file; flags override its fields')
    .option('--name <name>', 'run name (default: the family)')
    .option('--family <family>', 'dcgan, wgan, wgan-gp, cgan, sngan or reference-dcgan')
    .option('--dataset <dataset>', 'mnist, fashion-mnist or a dataset path')
    .option('--steps <n>', 'generator updates')
    .option('--epochs <n>', 'passes over the training images (instead of --steps)')
    .option('--batch-size <n>', 'images per batch')
    .option('--width <n>', 'base number of filters of both networks')
    .option('--latent-dim <n>', 'length of the latent vector')
    .option('--lr-g <rate>', 'generator learning rate')
    .option('--lr-d <rate>', 'discriminator (critic) learning rate')
    .option('--seed <n>', 'experiment seed')
    .option('--ema', 'keep an exponential moving average of the generator weights')
    .option('--max-images <n>', 'train on the first n training images only')
    .option('--force', 'retrain even when this config already finished')
    .option('--runs-dir <dir>', 'folder of runs (default runs/, or SYNGAN_RUNS_DIR)')
    .action(async (options) => (await import('./commands')).trainCommand(options));

  program
    .command('runs')
    .description('list runs with their status and key figures')
    .option('--runs-dir <dir>', 'folder of runs (default runs/, or SYNGAN_RUNS_DIR)')
    .option('--json', 'print the run records as JSON')
    .action(async (options) => (await import('./commands')).runsCommand(options));

  program
    .command('generate')
    .description('write a labelled synthetic dataset from a trained run (IDX, PNG folder or NPY, with manifest.json)')
    .requiredOption('--run <dir>', 'run folder')
    .option('--count <n>', 'images in total')
    .option('--per-class <n>', 'images per class (conditional models)')
    .addOption(new Option('--format <format>', 'output format').choices(['idx', 'png', 'npy']).default('npy'))
    .requiredOption('--out <dir>', 'output folder (must not exist unless --overwrite)')
    .option('--seed <n>', 'seed of the latent vectors', '0')
    .option('--overwrite', 'replace an existing output folder once the new dataset is complete')
    .option('--batch-size <n>', 'images generated per batch (bounds memory)')
    .action(async (options) => (await import('./commands')).generateCommand(options));

  program
    .command('evaluate')
    .description('every metric of a run (or a synthetic dataset folder) against the real test split; writes metrics.json')
    .option('--run <dir>', 'run folder')
    .option('--dataset <dir>', 'synthetic dataset folder (instead of --run)')
    .option('--reference <dataset>', 'real dataset to compare with (default: the run\'s dataset)')
    .option('--samples <n>', 'generated images to score', '10000')
    .option('--real <n>', 'real test images to compare with', '10000')
    .option('--seed <n>', 'seed of the samples and KID subsets', '0')
    .option('--out <file>', 'output file (default: metrics.json in the run or dataset folder)')
    .option('--force', 'recompute instead of reading a stored evaluation')
    .action(async (options) => (await import('./commands')).evaluateCommand(options));

  program
    .command('metrics')
    .description('compare two sets (feature matrices or datasets) like pytorch-fid; or the IS of a probability matrix')
    .option('--real <path>', 'real set: .npy/.json feature matrix, or a dataset (image folder, IDX, NPY images)')
    .option('--fake <path>', 'generated set, same forms')
    .option('--probabilities <path>', 'n × classes probability matrix for the Inception Score')
    .option('--metrics <list>', 'comma-separated: fid, kid, prdc (default all)')
    .option('--json', 'print one JSON object')
    .option('--seed <n>', 'seed of the KID subsets', '0')
    .option('--kid-subset-size <n>', 'rows per KID subset (default 1000, or the size of the smaller set when it is smaller)')
    .addOption(new Option('--extractor <kind>', 'feature extractor for dataset paths').choices(['domain-classifier', 'inception-v3']).default('domain-classifier'))
    .option('--extractor-dataset <dataset>', 'dataset of the domain classifier (e.g. mnist)')
    .option('--model <path>', 'Inception-v3 TensorFlow.js graph model (model.json) for --extractor inception-v3')
    .action(async (options) => (await import('./commands')).metricsCommand(options));

  program
    .command('report')
    .description('execute every notebook headlessly and write reports/report.html and reports/report.pdf')
    .addOption(new Option('--profile <name>', 'compute budget passed to the notebooks').choices(['quick', 'standard', 'full']).default('quick'))
    .option('--force', 'retrain every run instead of reusing the run cache')
    .option('--verify', 'rerun everything from scratch into a temporary run store and compare every metric with the current report')
    .option('--tolerance <relative>', 'relative tolerance of --verify', '1e-6')
    .option('--allow-errors', 'run the remaining notebooks after a failing cell and exit 0')
    .option('--only <notebooks>', 'execute only these notebooks (comma-separated names or number prefixes, e.g. 01,02); the report takes the others from their last executed copies of the same profile')
    .option('--no-pdf', 'write only the HTML report')
    .option('--show-code', 'show code cells unfolded in the report')
    .option('--cell-timeout <seconds>', 'time limit of one cell', '3600')
    .action(async (options: { profile: string; force?: boolean; verify?: boolean; tolerance: string; allowErrors?: boolean; only?: string; pdf: boolean; showCode?: boolean; cellTimeout: string }) => {
      const report = await import('./report');
      const jobOptions = {
        profile: options.profile,
        force: options.force,
        allowErrors: options.allowErrors,
        only: options.only ? options.only.split(',').map((item) => item.trim()).filter(Boolean) : undefined,
        pdf: options.pdf,
        showCode: options.showCode,
        cellTimeoutS: Number(options.cellTimeout),
        command: `syngan ${process.argv.slice(2).join(' ')}`,
      };
      if (options.verify) {
        const tolerance = Number(options.tolerance);
        if (!(tolerance >= 0)) throw new SynganError(`invalid --tolerance "${options.tolerance}"`, { hint: 'pass a non-negative number such as 1e-6' });
        const verified = await report.runVerifyJob({ ...jobOptions, relativeTolerance: tolerance });
        if (!verified.ok) process.exitCode = 1;
        return;
      }
      const result = await report.runReportJob(jobOptions);
      if (!result.ok && !options.allowErrors) process.exitCode = 1;
    });

  program
    .command('lab')
    .description('install JupyterLab into .venv (once), register the syngan TypeScript kernel, and start JupyterLab on 127.0.0.1')
    .option('--port <port>', 'port on 127.0.0.1 (default: a free one)')
    .option('--no-start', 'only install JupyterLab and the kernelspec')
    .action(async (options: { port?: string; start: boolean }) => {
      const lab = await import('./lab');
      const paths = lab.labPaths();
      console.log(lab.ensureJupyterLab(paths));
      console.log(lab.installKernelSpec(paths));
      if (!options.start) return;
      const server = await lab.startJupyterLab(paths, { port: options.port ? Number(options.port) : undefined, quiet: true });
      console.log(`JupyterLab is running; open this URL (it contains the access token):\n  ${server.url}\nPress Ctrl-C to stop.`);
      const stop = () => { void server.stop().then(() => process.exit(0)); };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      await new Promise<void>((resolve) => server.process.once('exit', () => resolve()));
    });

  return program;
}

/** Runs the CLI; user errors print their message and hint, without a stack trace. */
export async function main(argv: string[] = process.argv): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    console.error(`syngan: ${formatError(error)}`);
    process.exitCode = error instanceof SynganError ? error.exitCode : 1;
  }
}

if (require.main === module) {
  void main();
}
