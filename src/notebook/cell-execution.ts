import type { OutputRecorder } from './outputs';
import type { Output } from './types';
import type { Channel } from './kernel';
import type { JupyterMessage } from './wire';

const MAX_STDERR_CHUNKS = 200;

/**
 * The state of one code cell's execution, fed by every message whose parent is one of the
 * cell's execute requests (a cell has several requests when the kernel aborted or dropped one).
 */
export class CellExecution {
  readonly msgIds = new Set<string>();
  currentMsgId = '';
  /** True once any message for the current request arrived, so the kernel has received it. */
  acknowledged = false;
  reply: Record<string, any> | null = null;
  idle = false;
  /** Kernel timestamps (ISO 8601) for `metadata.execution`. */
  readonly times: Record<string, string> = {};
  /** The cell's stderr text, one entry per stream message, newest last (at most 200). */
  readonly stderrChunks: string[] = [];
  private wake: (() => void) | null = null;

  constructor(
    readonly index: number,
    readonly recorder: OutputRecorder,
    private readonly onOutput: (output: Output) => void,
  ) {}

  /** Starts tracking a new execute request for this cell, forgetting the previous one's reply. */
  track(msgId: string): void {
    this.msgIds.add(msgId);
    this.currentMsgId = msgId;
    this.acknowledged = false;
    this.reply = null;
    this.idle = false;
  }

  /**
   * Applies a message whose parent is one of this cell's requests. Outputs are recorded even
   * when they arrive after the cell finished, because they belong to the cell that made them.
   * NOTE: tslab 1.0.22 sends everything written to stdout/stderr under the latest execute
   * request, so output of a timer started by an earlier cell lands in the cell running then.
   */
  handle(message: JupyterMessage, channel: Channel): void {
    const isCurrent = message.parent_header.msg_id === this.currentMsgId;
    const msgType = message.header.msg_type;
    if (isCurrent) this.acknowledged = true;

    if (channel === 'shell') {
      if (isCurrent && msgType === 'execute_reply') {
        this.reply = message.content;
        // tslab 1.0.22 dates the execute_reply header when the request arrives, so the
        // arrival time of the reply is the better end time.
        this.times['shell.execute_reply'] = new Date().toISOString();
      }
    } else if (channel === 'iopub') {
      this.handleIopub(message, isCurrent);
    }
    this.notify();
  }

  private handleIopub(message: JupyterMessage, isCurrent: boolean): void {
    const { msg_type: msgType, date } = message.header;
    if (msgType === 'status') {
      if (!isCurrent) return;
      if (message.content.execution_state === 'busy') this.times['iopub.status.busy'] = date;
      if (message.content.execution_state === 'idle') {
        this.times['iopub.status.idle'] = date;
        this.idle = true;
      }
      return;
    }
    if (msgType === 'execute_input') {
      this.times['iopub.execute_input'] = date;
      return;
    }

    if (msgType === 'stream' && message.content.name === 'stderr') {
      this.stderrChunks.push(String(message.content.text ?? ''));
      if (this.stderrChunks.length > MAX_STDERR_CHUNKS) this.stderrChunks.shift();
    }
    const output = this.recorder.apply(msgType, message.content);
    if (output) this.onOutput(output);
  }

  /** Resolves on the next message for this cell, or after `timeoutMs`. */
  waitForChange(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, Math.max(0, timeoutMs));
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
    });
  }

  /** Wakes a pending `waitForChange`, for example when the kernel exits. */
  notify(): void {
    this.wake?.();
  }
}
