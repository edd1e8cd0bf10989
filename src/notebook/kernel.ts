import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import * as zmq from 'zeromq';

import { SynganError } from '../core/errors';
import { ConnectionFile, createConnectionFile, endpoint } from './connection';
import { JupyterMessage, decodeMessage, encodeMessage, newMessage, newSessionId } from './wire';

export type Channel = 'shell' | 'control' | 'iopub';

export interface KernelStartOptions {
  /** Working directory of the kernel process. */
  cwd: string;
  /** Full environment of the kernel process. */
  env: NodeJS.ProcessEnv;
  /** 'javascript' starts tslab with `--js` (the jslab kernel). */
  language: 'typescript' | 'javascript';
  /** How long to wait for the first kernel_info_reply, in milliseconds. */
  startTimeoutMs: number;
}

export interface KernelExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const KERNEL_INFO_RETRY_MS = 500;
const SEND_TIMEOUT_MS = 10_000;
const PROCESS_LOG_TAIL_CHARS = 16_384;
const START_ATTEMPTS = 3;

/** Resolves the tslab command-line script in this project's node_modules. */
export function tslabBinPath(): string {
  return path.join(path.dirname(require.resolve('tslab/package.json')), 'bin', 'tslab');
}

/**
 * A running tslab kernel process and the ZeroMQ sockets connected to it (shell and control as
 * DEALER, iopub as SUB). Every received message goes to the listeners with its channel; the
 * caller matches replies to requests by `parent_header.msg_id`.
 *
 * NOTE: liveness comes from the child process's exit event, not from heartbeats, because tslab
 * 1.0.22 replies to heartbeats on its main event loop, so any long synchronous cell would look
 * like a dead kernel.
 */
export class TslabKernel {
  /** The kernel_info_reply content: protocol version, language_info, banner. */
  kernelInfo: Record<string, any> = {};
  exit: KernelExit | null = null;

  private readonly session = newSessionId();
  private readonly shell: zmq.Dealer;
  private readonly control: zmq.Dealer;
  private readonly iopub: zmq.Subscriber;
  private readonly sendQueues = new Map<zmq.Dealer, Promise<void>>();
  private readonly messageListeners: ((message: JupyterMessage, channel: Channel) => void)[] = [];
  private readonly exitListeners: ((exit: KernelExit) => void)[] = [];
  private processLog = '';
  private badMessages = 0;
  /** A receive loop's unexpected error; the socket then stops delivering messages. */
  receiveError: Error | null = null;
  private closed = false;

  private constructor(
    private readonly connection: ConnectionFile,
    readonly child: ChildProcess,
  ) {
    const { info } = connection;
    this.shell = new zmq.Dealer({ linger: 0, sendTimeout: SEND_TIMEOUT_MS });
    this.control = new zmq.Dealer({ linger: 0, sendTimeout: SEND_TIMEOUT_MS });
    this.iopub = new zmq.Subscriber({ linger: 0 });
    this.shell.connect(endpoint(info, info.shell_port));
    this.control.connect(endpoint(info, info.control_port));
    this.iopub.connect(endpoint(info, info.iopub_port));
    this.iopub.subscribe();

    void this.receiveLoop(this.shell, 'shell');
    void this.receiveLoop(this.control, 'control');
    void this.receiveLoop(this.iopub, 'iopub');

    const appendLog = (chunk: Buffer) => {
      this.processLog = (this.processLog + chunk.toString('utf8')).slice(-PROCESS_LOG_TAIL_CHARS);
    };
    child.stdout?.on('data', appendLog);
    child.stderr?.on('data', appendLog);
    child.on('exit', (code, signal) => {
      this.exit = { code, signal };
      for (const listener of this.exitListeners) listener(this.exit);
    });
  }

  /**
   * Starts tslab with a fresh connection file and waits until the kernel replies to a
   * kernel_info_request on shell and publishes on iopub (so no early output is lost to the
   * ZeroMQ subscription delay). Retries with new ports when a port was taken meanwhile.
   */
  static async start(options: KernelStartOptions): Promise<TslabKernel> {
    for (let attempt = 1; ; attempt += 1) {
      const kernel = await TslabKernel.spawnKernel(options);
      try {
        await kernel.waitUntilReady(options.startTimeoutMs);
        return kernel;
      } catch (error) {
        await kernel.close(1_000);
        if (!portTaken(kernel.processLog) || attempt >= START_ATTEMPTS) throw error;
      }
    }
  }

  private static async spawnKernel(options: KernelStartOptions): Promise<TslabKernel> {
    const connection = await createConnectionFile();
    const args = [tslabBinPath(), 'kernel', '--config-path', connection.file];
    if (options.language === 'javascript') args.push('--js');
    const preload = path.join(__dirname, 'kernel-preload.js');
    if (fs.existsSync(preload)) args.unshift('--require', preload);
    const child = spawn(process.execPath, args, {
      cwd: options.cwd,
      env: options.env,
      // The stdin pipe stays open while this process lives; kernel-preload exits when it closes.
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    return new TslabKernel(connection, child);
  }

  private async waitUntilReady(timeoutMs: number): Promise<void> {
    const requestIds = new Set<string>();
    let sawReply = false;
    let sawIopub = false;

    await new Promise<void>((resolve, reject) => {
      const finish = (error?: Error) => {
        clearInterval(retryTimer);
        clearTimeout(deadlineTimer);
        this.removeMessageListener(onMessage);
        this.removeExitListener(onExit);
        if (error) reject(error);
        else resolve();
      };
      const onMessage = (message: JupyterMessage, channel: Channel) => {
        if (!requestIds.has(message.parent_header.msg_id ?? '')) return;
        if (channel === 'iopub') sawIopub = true;
        if (channel === 'shell' && message.header.msg_type === 'kernel_info_reply') {
          sawReply = true;
          this.kernelInfo = message.content;
        }
        if (sawReply && sawIopub) finish();
      };
      const onExit = (exit: KernelExit) => {
        finish(
          new SynganError(`The tslab kernel exited while starting (${describeExit(exit)})`, {
            hint: `Kernel output:\n${this.processLog.trim() || '(none)'}`,
          }),
        );
      };
      const sendInfoRequest = () => {
        if (portTaken(this.processLog)) {
          finish(new SynganError('The tslab kernel could not listen on its ports because one was taken', {
            hint: 'Rerun; each start picks new random ports.',
          }));
          return;
        }
        this.send('shell', 'kernel_info_request', {}, (msgId) => requestIds.add(msgId)).catch(() => undefined);
      };

      this.onMessage(onMessage);
      this.onExit(onExit);
      const retryTimer = setInterval(sendInfoRequest, KERNEL_INFO_RETRY_MS);
      const deadlineTimer = setTimeout(() => {
        finish(
          new SynganError(`The tslab kernel did not reply to kernel_info_request within ${timeoutMs} ms`, {
            hint: `Check that node_modules/tslab works (\`node ${tslabBinPath()} --version\`). Kernel output:\n${this.processLog.trim() || '(none)'}`,
          }),
        );
      }, timeoutMs);
      sendInfoRequest();
    });
  }

  /** Adds a listener for every valid message received on shell, control and iopub. */
  onMessage(listener: (message: JupyterMessage, channel: Channel) => void): void {
    this.messageListeners.push(listener);
  }

  removeMessageListener(listener: (message: JupyterMessage, channel: Channel) => void): void {
    const index = this.messageListeners.indexOf(listener);
    if (index >= 0) this.messageListeners.splice(index, 1);
  }

  /** Adds a listener called once when the kernel process exits. */
  onExit(listener: (exit: KernelExit) => void): void {
    this.exitListeners.push(listener);
  }

  removeExitListener(listener: (exit: KernelExit) => void): void {
    const index = this.exitListeners.indexOf(listener);
    if (index >= 0) this.exitListeners.splice(index, 1);
  }

  /**
   * Sends a request on shell or control and returns its `msg_id`. `beforeSend` receives the
   * `msg_id` before the message leaves, so a caller can route replies that arrive at once.
   */
  async send(
    channel: 'shell' | 'control',
    msgType: string,
    content: Record<string, unknown>,
    beforeSend?: (msgId: string) => void,
  ): Promise<string> {
    const message = newMessage(msgType, content, this.session);
    beforeSend?.(message.header.msg_id);
    const socket = channel === 'shell' ? this.shell : this.control;
    const previous = this.sendQueues.get(socket) ?? Promise.resolve();
    // zeromq allows one send in flight per socket, so sends on a socket are chained.
    const sending = previous.then(() => socket.send(encodeMessage(message, this.connection.info.key)));
    this.sendQueues.set(socket, sending.catch(() => undefined));
    await sending;
    return message.header.msg_id;
  }

  /**
   * Interrupts the running cell with SIGINT. tslab 1.0.22 ignores interrupt_request on the
   * control channel, but its SIGINT handler stops both synchronous code and pending awaits.
   */
  interrupt(): void {
    if (!this.exit) this.child.kill('SIGINT');
  }

  /** The last 16 KiB of what the kernel process wrote to its own stdout and stderr. */
  get processOutput(): string {
    return this.processLog;
  }

  /** Messages dropped because their signature or format was invalid. */
  get invalidMessageCount(): number {
    return this.badMessages;
  }

  /**
   * Stops the kernel: shutdown_request on control, then SIGTERM and SIGKILL if the process has
   * not exited after `graceMs` each. Closes the sockets and removes the connection file.
   */
  async close(graceMs = 3_000): Promise<void> {
    if (!this.exit && !this.closed) {
      await Promise.race([this.send('control', 'shutdown_request', { restart: false }).catch(() => undefined), sleep(graceMs)]);
      if (!(await this.waitForExit(graceMs))) {
        this.child.kill('SIGTERM');
        if (!(await this.waitForExit(graceMs))) {
          this.child.kill('SIGKILL');
          await this.waitForExit(graceMs);
        }
      }
    }
    this.closeSockets();
  }

  /** Kills the kernel process at once (SIGKILL) and closes the sockets. */
  async kill(): Promise<void> {
    if (!this.exit) {
      this.child.kill('SIGKILL');
      await this.waitForExit(5_000);
    }
    this.closeSockets();
  }

  private closeSockets(): void {
    if (this.closed) return;
    this.closed = true;
    this.shell.close();
    this.control.close();
    this.iopub.close();
    this.connection.remove();
  }

  private waitForExit(timeoutMs: number): Promise<boolean> {
    if (this.exit) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.removeExitListener(onExit);
        resolve(false);
      }, timeoutMs);
      const onExit = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.onExit(onExit);
    });
  }

  private async receiveLoop(socket: zmq.Dealer | zmq.Subscriber, channel: Channel): Promise<void> {
    try {
      for await (const frames of socket) {
        let message: JupyterMessage;
        try {
          message = decodeMessage(frames, this.connection.info.key);
        } catch {
          this.badMessages += 1;
          continue;
        }
        for (const listener of [...this.messageListeners]) listener(message, channel);
      }
    } catch (error) {
      // Closing a socket may end its receive loop with an error, which is expected then.
      if (!this.closed) this.receiveError = error as Error;
    }
  }
}

/** True when tslab's output shows that binding a socket failed, which tslab only logs. */
function portTaken(processOutput: string): boolean {
  return /EADDRINUSE|Address already in use/i.test(processOutput);
}

/** Describes a process exit for messages, for example "exit code 1" or "signal SIGKILL". */
export function describeExit(exit: KernelExit): string {
  return exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
