// The Jupyter messaging wire format (protocol 5.3): ZeroMQ frames
// [routing ids..., "<IDS|MSG>", HMAC-SHA256 hex signature, header, parent_header, metadata, content, buffers...].
// https://jupyter-client.readthedocs.io/en/stable/messaging.html#the-wire-protocol
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

const DELIMITER = '<IDS|MSG>';
export const PROTOCOL_VERSION = '5.3';

export interface MessageHeader {
  msg_id: string;
  msg_type: string;
  session: string;
  username: string;
  date: string;
  version: string;
}

export interface JupyterMessage {
  header: MessageHeader;
  /** Header of the request this message replies to; `{}` for messages without a request. */
  parent_header: Partial<MessageHeader>;
  metadata: Record<string, unknown>;
  content: Record<string, any>;
}

/** Creates a request message with a fresh `msg_id`. */
export function newMessage(msgType: string, content: Record<string, unknown>, session: string): JupyterMessage {
  return {
    header: {
      msg_id: randomUUID(),
      msg_type: msgType,
      session,
      username: 'syngan',
      date: new Date().toISOString(),
      version: PROTOCOL_VERSION,
    },
    parent_header: {},
    metadata: {},
    content,
  };
}

/** Signs `parts` (header, parent_header, metadata, content as JSON) with HMAC-SHA256; hex. */
export function signParts(key: string, parts: string[]): string {
  const hmac = createHmac('sha256', key);
  for (const part of parts) hmac.update(part);
  return hmac.digest('hex');
}

/** Encodes a message as the frames to send on a DEALER socket (no routing ids). */
export function encodeMessage(message: JupyterMessage, key: string): string[] {
  const parts = [
    JSON.stringify(message.header),
    JSON.stringify(message.parent_header),
    JSON.stringify(message.metadata),
    JSON.stringify(message.content),
  ];
  return [DELIMITER, signParts(key, parts), ...parts];
}

/**
 * Decodes received frames into a message. Throws when the delimiter is missing, a part is not
 * JSON, or the signature does not match `key` (a message from someone without the key).
 */
export function decodeMessage(frames: Buffer[], key: string): JupyterMessage {
  const delimiterIndex = frames.findIndex((frame) => frame.length === DELIMITER.length && frame.toString() === DELIMITER);
  if (delimiterIndex < 0 || frames.length < delimiterIndex + 6) {
    throw new Error('Jupyter message without "<IDS|MSG>" delimiter or with missing parts');
  }

  const signature = frames[delimiterIndex + 1].toString();
  const parts = frames.slice(delimiterIndex + 2, delimiterIndex + 6).map((frame) => frame.toString('utf8'));
  const expected = Buffer.from(signParts(key, parts));
  const actual = Buffer.from(signature);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    throw new Error('Jupyter message with an invalid HMAC signature');
  }

  const [header, parentHeader, metadata, content] = parts.map((part) => JSON.parse(part));
  return { header, parent_header: parentHeader, metadata, content };
}

/** Returns a new random session id for the `session` header field. */
export function newSessionId(): string {
  return randomUUID();
}
