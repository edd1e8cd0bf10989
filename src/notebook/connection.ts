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

/** Lowest port of the range the system draws outgoing (ephemeral) ports from; Linux default 32768. */
function ephemeralPortStart(): number {
  try {
    const [low] = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    return Number.isInteger(low) && low > 1024 ? low : 32768;
  } catch {
    return 32768;
  }
}

function listen(server: net.Server, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, LOOPBACK, () => resolve(true));
  });
}

/**
 * Finds `count` distinct free TCP ports on 127.0.0.1, drawn at random below the ephemeral
 * range. Ports from port 0 would lie inside that range, where the runner's own ZeroMQ sockets,
 * reconnecting every 100 ms until the kernel listens, can take one of them as a source port.
 * NOTE: another process may still take a port between this check and the kernel binding it;
 * the kernel start then retries with new ports.
 */
export async function findFreePorts(count: number): Promise<number[]> {
  const high = ephemeralPortStart();
  const low = Math.max(1024, high - 20_000);
  const servers: net.Server[] = [];
  const ports: number[] = [];
  try {
    for (let attempt = 0; ports.length < count && attempt < count * 50; attempt += 1) {
      const port = low + Math.floor(Math.random() * (high - low));
      if (ports.includes(port)) continue;
      const server = net.createServer();
      if (await listen(server, port)) {
        servers.push(server);
        ports.push(port);
      }
    }
    // Fall back to ports the system picks if the range below the ephemeral ports is crowded.
    while (ports.length < count) {
      const server = net.createServer();
      await listen(server, 0);
      servers.push(server);
      ports.push((server.address() as net.AddressInfo).port);
    }
    return ports;
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
