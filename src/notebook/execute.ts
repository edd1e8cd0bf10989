import path from 'node:path';

import { SynganError } from '../core/errors';
import { CellExecution } from './cell-execution';
import { KernelExit, TslabKernel, describeExit } from './kernel';
import { readNotebook, writeNotebook } from './notebook-file';
import { DEFAULT_OUTPUT_LIMITS, DisplayRegistry, OutputLimits, OutputRecorder } from './outputs';
import { injectParameters } from './parameters';
import { recoverTslabError } from './tslab-error';
import type { CodeCell, ErrorOutput, Notebook, Output } from './types';

/** Final state of a code cell: 'skipped' is an empty cell, 'not-run' a cell after a failure. */
export type CellStatus = 'ok' | 'error' | 'timeout' | 'kernel-died' | 'not-run' | 'skipped';

export interface CellResult {
  /** Index of the cell in the executed notebook, which includes an injected parameters cell. */
  index: number;
  id: string;
  elapsedMs: number;
  status: CellStatus;
  executionCount: number | null;
  /** Execute requests sent for this cell; more than 1 when the kernel aborted or dropped one. */
  requests: number;
}

export interface FailedCell {
  index: number;
  id: string;
  ename: string;
  evalue: string;
  traceback: string[];
}

export interface ExecuteOptions {
  /** Path of the executed notebook, written atomically; nothing is written when omitted. */
  outputPath?: string;
  /** Values for the notebook's parameters; see `injectParameters` for the convention. */
  parameters?: Record<string, unknown>;
  /** Working directory of the kernel (default: the notebook's folder, for relative imports). */
  cwd?: string;
  /** Time limit per code cell in milliseconds (default: none). */
  cellTimeoutMs?: number;
  /** Time limit for the whole notebook, kernel start included, in milliseconds (default: none). */
  notebookTimeoutMs?: number;
  /** Keep running after a failed or timed-out cell instead of stopping (default: false). */
  allowErrors?: boolean;
  /** Extra environment variables for the kernel, on top of `process.env`. */
  env?: Record<string, string | undefined>;
  /** Maximum kernel start time in milliseconds (default: 60 000). */
  startTimeoutMs?: number;
  /** Maximum time a timed-out cell may take to stop after SIGINT before the kernel is killed (default: 5 000 ms). */
  interruptGraceMs?: number;
  /** Size limits for outputs (defaults: 1 MiB of text, 10 MiB per image or JSON entry). */
  limits?: Partial<OutputLimits>;
  onCellStart?: (event: { index: number; id: string; source: string }) => void;
  /** Called after each cell that was run or skipped; cells after a failure get no call. */
  onCellDone?: (result: CellResult) => void;
  /** Called for each output added or extended (a stream that grows is reported again). */
  onOutput?: (event: { index: number; id: string; output: Output }) => void;
}

export interface ExecuteResult {
  notebook: Notebook;
  /** True when every code cell ran without error. */
  ok: boolean;
  /** The first cell that failed, timed out or lost its kernel. */
  failedCell?: FailedCell;
  elapsedMs: number;
  /** One entry per code cell, in notebook order. */
  cells: CellResult[];
}

/** After an abort reply, tslab keeps rejecting requests for 200 ms; wait a bit longer. */
const ABORT_RETRY_DELAY_MS = 300;
const MAX_SENDS_PER_CELL = 10;
/**
 * A request after a failure that gets no message at all (not even the busy status, which tslab
 * publishes on receipt) within this time counts as dropped and is sent again. tslab 1.0.22 was
 * seen to reply "abort" rather than drop a request, and the long wait avoids running a slow cell twice.
 */
const DROPPED_REQUEST_MS = 5_000;
/** Maximum wait for the idle status after the execute_reply, while outputs may still arrive. */
const IDLE_AFTER_REPLY_MS = 30_000;
const POLL_MS = 250;

/**
 * Executes a notebook headlessly through the tslab kernel, cell by cell, and returns it with
 * its outputs, like papermill. A failing cell stops the notebook (unless `allowErrors`): the
 * cell gets an `error` output and the rest stay unexecuted. Throws SynganError only when the
 * notebook cannot be read or the kernel cannot start; cell failures are in the result.
 *
 * The kernel runs with `process.env`, then `options.env`, then SYNGAN_HEADLESS=1.
 */
export async function executeNotebook(inputPath: string, options: ExecuteOptions = {}): Promise<ExecuteResult> {
  const startMs = Date.now();
  const startTime = new Date(startMs).toISOString();
  const deadlineMs = options.notebookTimeoutMs === undefined ? Infinity : startMs + options.notebookTimeoutMs;

  let nb = readNotebook(inputPath);
  if (options.parameters) nb = injectParameters(nb, options.parameters);
  for (const cell of nb.cells) {
    if (cell.cell_type !== 'code') continue;
    cell.outputs = [];
    cell.execution_count = null;
    delete cell.metadata.execution;
  }

  const kernel = await startKernel(inputPath, nb, options, deadlineMs);

  const runner = new CellRunner(kernel, inputPath, options, deadlineMs);
  let cells: CellResult[];
  try {
    cells = await runner.runAll(nb);
  } finally {
    if (kernel.exit || runner.kernelKilled) await kernel.kill();
    else await kernel.close();
  }
  runner.finishOutputs();

  const elapsedMs = Date.now() - startMs;
  const failedCell = runner.failedCell;
  nb.metadata = {
    ...nb.metadata,
    kernelspec: nb.metadata.kernelspec ?? defaultKernelSpec(kernelLanguage(nb)),
    ...(typeof kernel.kernelInfo.language_info?.name === 'string' ? { language_info: kernel.kernelInfo.language_info } : {}),
    syngan: {
      input_path: inputPath,
      parameters: options.parameters ?? {},
      start_time: startTime,
      end_time: new Date().toISOString(),
      elapsed_ms: elapsedMs,
      ok: failedCell === undefined,
      ...(failedCell ? { failed_cell: { index: failedCell.index, id: failedCell.id, ename: failedCell.ename, evalue: failedCell.evalue } } : {}),
    },
  };
  if (options.outputPath) writeNotebook(options.outputPath, nb);

  return { notebook: nb, ok: failedCell === undefined, failedCell, elapsedMs, cells };
}

async function startKernel(inputPath: string, nb: Notebook, options: ExecuteOptions, deadlineMs: number): Promise<TslabKernel> {
  try {
    return await TslabKernel.start({
      cwd: options.cwd ?? path.dirname(path.resolve(inputPath)),
      env: { ...process.env, ...options.env, SYNGAN_HEADLESS: '1' },
      language: kernelLanguage(nb),
      startTimeoutMs: Math.max(1, Math.min(options.startTimeoutMs ?? 60_000, deadlineMs - Date.now())),
    });
  } catch (error) {
    if (!(error instanceof SynganError)) throw error;
    throw new SynganError(`Cannot run notebook ${inputPath}: ${error.message}`, { hint: error.hint, cause: error });
  }
}

function kernelLanguage(nb: Notebook): 'typescript' | 'javascript' {
  const spec = nb.metadata.kernelspec;
  return spec?.name === 'jslab' || spec?.language === 'javascript' ? 'javascript' : 'typescript';
}

function defaultKernelSpec(language: 'typescript' | 'javascript') {
  return language === 'javascript'
    ? { name: 'jslab', display_name: 'JavaScript', language: 'javascript' }
    : { name: 'tslab', display_name: 'TypeScript', language: 'typescript' };
}

/** Runs the code cells of one notebook on one kernel, in order, and tracks their messages. */
class CellRunner {
  failedCell: FailedCell | undefined;
  kernelKilled = false;
  private readonly byMsgId = new Map<string, CellExecution>();
  private readonly recorders: OutputRecorder[] = [];
  private readonly displays = new DisplayRegistry();
  private readonly limits: OutputLimits;
  private current: CellExecution | null = null;
  private previousFailed = false;

  constructor(
    private readonly kernel: TslabKernel,
    private readonly notebookPath: string,
    private readonly options: ExecuteOptions,
    private readonly deadlineMs: number,
  ) {
    this.limits = { ...DEFAULT_OUTPUT_LIMITS, ...options.limits };
    kernel.onMessage((message, channel) => {
      this.byMsgId.get(message.parent_header.msg_id ?? '')?.handle(message, channel);
    });
    kernel.onExit(() => this.current?.notify());
  }

  async runAll(nb: Notebook): Promise<CellResult[]> {
    const results: CellResult[] = [];
    let stopped = false;
    for (const [index, cell] of nb.cells.entries()) {
      if (cell.cell_type !== 'code') continue;
      if (stopped) {
        results.push({ index, id: cell.id, elapsedMs: 0, status: 'not-run', executionCount: null, requests: 0 });
        continue;
      }
      if (this.pastDeadline() && cell.source.trim() !== '') {
        results.push(this.recordNotStartedInTime(index, cell));
        stopped = true;
        continue;
      }
      const result = await this.runCell(index, cell);
      results.push(result);
      this.options.onCellDone?.(result);

      if (result.status === 'kernel-died' || this.kernelKilled) stopped = true;
      if (result.status === 'timeout' && this.pastDeadline()) stopped = true;
      if (result.status !== 'ok' && result.status !== 'skipped' && !this.options.allowErrors) stopped = true;
    }
    return results;
  }

  /** Appends truncation notes to all outputs; call once after the kernel has stopped. */
  finishOutputs(): void {
    for (const recorder of this.recorders) recorder.finish();
  }

  private pastDeadline(): boolean {
    return Date.now() >= this.deadlineMs;
  }

  private async runCell(index: number, cell: CodeCell): Promise<CellResult> {
    const startMs = Date.now();
    const recorder = new OutputRecorder(this.displays, this.limits);
    this.recorders.push(recorder);
    cell.outputs = recorder.outputs;
    const execution = new CellExecution(index, recorder, (output) => this.options.onOutput?.({ index, id: cell.id, output }));
    const result = (status: CellStatus): CellResult => ({
      index,
      id: cell.id,
      elapsedMs: Date.now() - startMs,
      status,
      executionCount: cell.execution_count,
      requests: execution.msgIds.size,
    });

    if (cell.source.trim() === '') return result('skipped');
    this.options.onCellStart?.({ index, id: cell.id, source: cell.source });
    this.current = execution;
    try {
      const status = await this.executeUntilDone(execution, cell, startMs);
      cell.metadata.execution = executionTimes(execution);
      this.previousFailed = status !== 'ok';
      return result(status);
    } finally {
      this.current = null;
    }
  }

  private async executeUntilDone(execution: CellExecution, cell: CodeCell, startMs: number): Promise<CellStatus> {
    const cellDeadlineMs = Math.min(this.deadlineMs, startMs + (this.options.cellTimeoutMs ?? Infinity));
    let sends = 0;
    let sentAtMs = 0;
    let replyAtMs = 0;

    const send = async () => {
      sends += 1;
      sentAtMs = Date.now();
      const content = {
        code: cell.source,
        silent: false,
        store_history: true,
        user_expressions: {},
        allow_stdin: false,
        stop_on_error: true,
      };
      await this.kernel.send('shell', 'execute_request', content, (msgId) => {
        this.byMsgId.set(msgId, execution);
        execution.track(msgId);
      });
    };
    await this.sendOrDie(send, execution, cell);

    for (;;) {
      if (this.kernel.exit) return this.recordKernelDeath(execution, cell, this.kernel.exit);

      if (execution.reply && !replyAtMs) replyAtMs = Date.now();
      const idleOrLate = execution.idle || (replyAtMs > 0 && Date.now() - replyAtMs > IDLE_AFTER_REPLY_MS);
      if (execution.reply && idleOrLate) {
        const status = execution.reply.status;
        if (status === 'abort') {
          // tslab aborts requests that arrive within 200 ms after a failed cell; send again.
          if (sends >= MAX_SENDS_PER_CELL) return this.recordAbort(execution, cell, sends);
          await sleep(ABORT_RETRY_DELAY_MS);
          await this.sendOrDie(send, execution, cell);
          continue;
        }
        if (typeof execution.reply.execution_count === 'number') cell.execution_count = execution.reply.execution_count;
        if (status === 'ok') return 'ok';
        return this.recordCellError(execution, cell);
      }

      const nowMs = Date.now();
      if (nowMs >= cellDeadlineMs) return this.handleTimeout(execution, cell, startMs, cellDeadlineMs);

      // A request right after a failure may be dropped without a trace; send it again.
      const dropped = this.previousFailed && !execution.acknowledged && nowMs - sentAtMs >= DROPPED_REQUEST_MS;
      if (dropped && sends < MAX_SENDS_PER_CELL) {
        await this.sendOrDie(send, execution, cell);
        continue;
      }

      await execution.waitForChange(Math.min(POLL_MS, cellDeadlineMs - nowMs));
    }
  }

  private async sendOrDie(send: () => Promise<void>, execution: CellExecution, cell: CodeCell): Promise<void> {
    try {
      await send();
    } catch (error) {
      if (this.kernel.exit) return;
      throw new SynganError(`Sending cell ${execution.index} (id ${cell.id}) of ${this.notebookPath} to the kernel failed: ${(error as Error).message}`, {
        hint: 'The kernel stopped reading requests; rerun, and check the kernel output above.',
        cause: error,
      });
    }
  }

  private recordCellError(execution: CellExecution, cell: CodeCell): CellStatus {
    const content = execution.reply ?? {};
    let error: Omit<FailedCell, 'index' | 'id'>;
    if (typeof content.ename === 'string' && content.ename !== '') {
      // A kernel that reports the error itself (tslab does not) has already sent an error output.
      error = { ename: content.ename, evalue: String(content.evalue ?? ''), traceback: (content.traceback ?? []).map(String) };
    } else {
      const recovered = recoverTslabError(execution.stderrChunks);
      execution.recorder.removeTrailingStderr(recovered.text);
      error = { ename: recovered.ename, evalue: recovered.evalue, traceback: recovered.traceback };
      this.pushError(execution, cell, error);
    }
    this.fail(execution, cell, error);
    return 'error';
  }

  private async handleTimeout(execution: CellExecution, cell: CodeCell, startMs: number, cellDeadlineMs: number): Promise<CellStatus> {
    const notebookLimit = cellDeadlineMs === this.deadlineMs;
    const limitText = notebookLimit
      ? `the notebook time limit of ${this.options.notebookTimeoutMs} ms`
      : `the cell time limit of ${this.options.cellTimeoutMs} ms`;

    this.kernel.interrupt();
    const graceEndMs = Date.now() + (this.options.interruptGraceMs ?? 5_000);
    while (!(execution.reply && execution.idle) && !this.kernel.exit && Date.now() < graceEndMs) {
      await execution.waitForChange(Math.min(POLL_MS, graceEndMs - Date.now()));
    }

    const stopped = execution.reply !== null && !this.kernel.exit;
    let evalue = `Cell ${execution.index} (id ${cell.id}) of ${this.notebookPath} exceeded ${limitText} after ${Date.now() - startMs} ms`;
    const traceback: string[] = [];
    if (stopped) {
      evalue += '; it was interrupted';
      if (typeof execution.reply?.execution_count === 'number') cell.execution_count = execution.reply.execution_count;
      const interruption = recoverTslabError(execution.stderrChunks);
      if (execution.recorder.removeTrailingStderr(interruption.text)) traceback.push(...interruption.traceback);
    } else {
      evalue += '; it did not stop on SIGINT, so the kernel was killed';
      this.kernelKilled = true;
      await this.kernel.kill();
    }

    const error = { ename: 'CellTimeoutError', evalue, traceback: [evalue, ...traceback] };
    this.pushError(execution, cell, error);
    this.fail(execution, cell, error);
    return 'timeout';
  }

  private recordNotStartedInTime(index: number, cell: CodeCell): CellResult {
    const evalue = `Notebook ${this.notebookPath} exceeded the notebook time limit of ${this.options.notebookTimeoutMs} ms before cell ${index} (id ${cell.id}) started`;
    const recorder = new OutputRecorder(this.displays, this.limits);
    this.recorders.push(recorder);
    cell.outputs = recorder.outputs;
    const error = { ename: 'CellTimeoutError', evalue, traceback: [evalue] };
    recorder.push({ output_type: 'error', ...error });
    this.failedCell ??= { index, id: cell.id, ...error };
    return { index, id: cell.id, elapsedMs: 0, status: 'timeout', executionCount: null, requests: 0 };
  }

  private recordKernelDeath(execution: CellExecution, cell: CodeCell, exit: KernelExit): CellStatus {
    const evalue = `The kernel exited (${describeExit(exit)}) while running cell ${execution.index} (id ${cell.id}) of ${this.notebookPath}`;
    const processOutput = this.kernel.processOutput.trim();
    const traceback = processOutput ? [evalue, 'Kernel process output:', ...processOutput.split('\n')] : [evalue];
    const error = { ename: 'DeadKernelError', evalue, traceback };
    this.pushError(execution, cell, error);
    this.fail(execution, cell, error);
    return 'kernel-died';
  }

  private recordAbort(execution: CellExecution, cell: CodeCell, sends: number): CellStatus {
    const evalue = `The kernel aborted cell ${execution.index} (id ${cell.id}) of ${this.notebookPath} ${sends} times in a row`;
    const error = { ename: 'AbortedError', evalue, traceback: [evalue] };
    this.pushError(execution, cell, error);
    this.fail(execution, cell, error);
    return 'error';
  }

  private pushError(execution: CellExecution, cell: CodeCell, error: Omit<FailedCell, 'index' | 'id'>): void {
    const output: ErrorOutput = { output_type: 'error', ...error };
    execution.recorder.push(output);
    this.options.onOutput?.({ index: execution.index, id: cell.id, output });
  }

  private fail(execution: CellExecution, cell: CodeCell, error: Omit<FailedCell, 'index' | 'id'>): void {
    this.failedCell ??= { index: execution.index, id: cell.id, ...error };
  }
}

/**
 * Returns the cell's `metadata.execution` timestamps as nbclient records them. tslab 1.0.22
 * publishes no execute_input message, so `iopub.execute_input` is its busy status time then.
 */
function executionTimes(execution: CellExecution): Record<string, string> {
  const times = { ...execution.times };
  if (!times['iopub.execute_input'] && times['iopub.status.busy']) times['iopub.execute_input'] = times['iopub.status.busy'];
  return times;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
