import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** The fields of a Jupyter connection file. */
export interface ConnectionInfo {
  transport: 'tcp';
  ip: string;
  key: string;
  signature_scheme: 'hmac-sha256';
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
}

export interface ConnectionFile {
  info: ConnectionInfo;
  /** Path of the JSON file, mode 0600, inside a private temporary folder. */
  file: string;
  /** Removes the file and its folder; safe to call more than once. */
  remove(): void;
}

const LOOPBACK = '127.0.0.1';

/**
 * Finds `count` distinct free TCP ports on 127.0.0.1 by listening on port 0 and closing again.
 * NOTE: another process may take a port between this check and the kernel binding it; the
 * kernel start retries with new ports when the kernel reports "address already in use".
 */
export async function findFreePorts(count: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    for (let i = 0; i < count; i += 1) {
      const server = net.createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, LOOPBACK, () => resolve());
      });
    }
    return servers.map((server) => (server.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  }
}

/**
 * Writes a fresh connection file for one kernel: loopback only, five free ports and a random
 * 256-bit HMAC key, in a new temporary folder readable only by this user.
 */
export async function createConnectionFile(): Promise<ConnectionFile> {
  const [shell, iopub, stdin, control, hb] = await findFreePorts(5);
  const info: ConnectionInfo = {
    transport: 'tcp',
    ip: LOOPBACK,
    key: randomBytes(32).toString('hex'),
    signature_scheme: 'hmac-sha256',
    shell_port: shell,
    iopub_port: iopub,
    stdin_port: stdin,
    control_port: control,
    hb_port: hb,
  };

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'syngan-kernel-'));
  const file = path.join(dir, 'connection.json');
  fs.writeFileSync(file, JSON.stringify(info, null, 2), { mode: 0o600 });
  return {
    info,
    file,
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** Returns the ZeroMQ endpoint of one channel, for example tcp://127.0.0.1:51234. */
export function endpoint(info: ConnectionInfo, port: number): string {
  return `${info.transport}://${info.ip}:${port}`;
}
