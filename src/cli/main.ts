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
    .addOption(new Option('--backend <kind>', 'TensorFlow.js backend: auto, gpu, cpu or js (also SYNGAN_BACKEND)').env('SYNGAN_BACKEND'))
    .option('--threads <n>', 'intra-op threads of the native backend (also SYNGAN_THREADS; default: all CPUs)')
    .showHelpAfterError()
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
    .command('report')
    .description('execute every notebook headlessly and write reports/report.html and reports/report.pdf')
    .addOption(new Option('--profile <name>', 'compute budget passed to the notebooks').choices(['quick', 'standard', 'full']).default('quick'))
    .option('--force', 'retrain every run instead of reusing the run cache')
    .option('--verify', 'rerun everything from scratch into a temporary run store and compare every metric with the current report')
    .option('--tolerance <relative>', 'relative tolerance of --verify', '1e-6')
    .option('--allow-errors', 'run the remaining notebooks after a failing cell and exit 0')
    .option('--only <notebooks>', 'comma-separated notebook names or number prefixes, e.g. 01,02')
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
