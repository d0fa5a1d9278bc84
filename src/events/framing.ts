/**
 * Salt's IPC framing (salt-wire 9.2): a stream of msgpack maps `{"head": {}, "body": <bin>}`
 * with no length prefix and no handshake. {@link packFrame} writes one; {@link FrameReader}
 * cuts a byte stream back into frame bodies, whatever the chunking.
 */
import { unpackBin } from '../protocol/binpack.js';
import { FrameError } from './errors.js';

// 82 a4 "head" 80 a4 "body": a 2-map with an empty head, then the body key.
const FRAME_PREFIX = Buffer.from('82a46865616480a4626f6479', 'hex');

/** Builds one IPC frame `{"head": {}, "body": body}` exactly as Salt packs it (body as msgpack bin). */
export function packFrame(body: Buffer): Buffer {
  const n = body.length;
  let header: Buffer;
  if (n < 0x100) header = Buffer.from([0xc4, n]);
  else if (n < 0x10000) {
    header = Buffer.allocUnsafe(3);
    header[0] = 0xc5;
    header.writeUInt16BE(n, 1);
  } else {
    header = Buffer.allocUnsafe(5);
    header[0] = 0xc6;
    header.writeUInt32BE(n, 1);
  }
  return Buffer.concat([FRAME_PREFIX, header, body], FRAME_PREFIX.length + header.length + n);
}

/** Outcome of scanning for the end of one msgpack object. */
type Scan = { end: number } | { need: number };

/**
 * Finds where the msgpack object starting at `start` ends, without decoding it.
 * Returns `{ end }`, or `{ need }` (a lower bound of the buffer length required) when incomplete.
 * @throws FrameError on the reserved byte 0xc1.
 */
export function scanMsgpack(buf: Buffer, start: number): Scan {
  let pos = start;
  let remaining = 1;
  const len = buf.length;
  while (remaining > 0) {
    if (pos >= len) return { need: pos + 1 };
    const b = buf[pos]!;
    remaining--;
    if (b <= 0x7f || b >= 0xe0) {
      pos += 1;
    } else if (b <= 0x8f) {
      remaining += 2 * (b & 0x0f);
      pos += 1;
    } else if (b <= 0x9f) {
      remaining += b & 0x0f;
      pos += 1;
    } else if (b <= 0xbf) {
      pos += 1 + (b & 0x1f);
    } else {
      switch (b) {
        case 0xc0:
        case 0xc2:
        case 0xc3:
          pos += 1;
          break;
        case 0xc1:
          throw new FrameError(`invalid msgpack: reserved byte 0xc1 at offset ${pos}`);
        case 0xc4:
        case 0xd9: {
          if (pos + 2 > len) return { need: pos + 2 };
          pos += 2 + buf[pos + 1]!;
          break;
        }
        case 0xc5:
        case 0xda: {
          if (pos + 3 > len) return { need: pos + 3 };
          pos += 3 + buf.readUInt16BE(pos + 1);
          break;
        }
        case 0xc6:
        case 0xdb: {
          if (pos + 5 > len) return { need: pos + 5 };
          pos += 5 + buf.readUInt32BE(pos + 1);
          break;
        }
        case 0xc7: {
          if (pos + 3 > len) return { need: pos + 3 };
          pos += 3 + buf[pos + 1]!;
          break;
        }
        case 0xc8: {
          if (pos + 4 > len) return { need: pos + 4 };
          pos += 4 + buf.readUInt16BE(pos + 1);
          break;
        }
        case 0xc9: {
          if (pos + 6 > len) return { need: pos + 6 };
          pos += 6 + buf.readUInt32BE(pos + 1);
          break;
        }
        case 0xca:
        case 0xce:
        case 0xd2:
          pos += 5;
          break;
        case 0xcb:
        case 0xcf:
        case 0xd3:
          pos += 9;
          break;
        case 0xcc:
        case 0xd0:
          pos += 2;
          break;
        case 0xcd:
        case 0xd1:
          pos += 3;
          break;
        case 0xd4:
          pos += 3;
          break;
        case 0xd5:
          pos += 4;
          break;
        case 0xd6:
          pos += 6;
          break;
        case 0xd7:
          pos += 10;
          break;
        case 0xd8:
          pos += 18;
          break;
        case 0xdc: {
          if (pos + 3 > len) return { need: pos + 3 };
          remaining += buf.readUInt16BE(pos + 1);
          pos += 3;
          break;
        }
        case 0xdd: {
          if (pos + 5 > len) return { need: pos + 5 };
          remaining += buf.readUInt32BE(pos + 1);
          pos += 5;
          break;
        }
        case 0xde: {
          if (pos + 3 > len) return { need: pos + 3 };
          remaining += 2 * buf.readUInt16BE(pos + 1);
          pos += 3;
          break;
        }
        case 0xdf: {
          if (pos + 5 > len) return { need: pos + 5 };
          remaining += 2 * buf.readUInt32BE(pos + 1);
          pos += 5;
          break;
        }
      }
    }
  }
  if (pos > len) return { need: pos };
  return { end: pos };
}

/**
 * Extracts the body of one complete frame. Frames with an empty head (all that Salt's event
 * firers write) take a zero-copy fast path; anything else is decoded in full.
 * @throws FrameError when the frame is not a map with a bytes (or text) `body`.
 */
export function frameBody(frame: Buffer): Buffer {
  if (frame.length > FRAME_PREFIX.length && frame.subarray(0, FRAME_PREFIX.length).equals(FRAME_PREFIX)) {
    const at = FRAME_PREFIX.length;
    const t = frame[at];
    const [hdr, n] =
      t === 0xc4 ? [2, frame[at + 1]!] : t === 0xc5 ? [3, frame.readUInt16BE(at + 1)] : t === 0xc6 ? [5, frame.readUInt32BE(at + 1)] : [0, -1];
    if (hdr > 0 && at + hdr + n === frame.length) return frame.subarray(at + hdr);
  }
  let value: unknown;
  try {
    value = unpackBin(frame);
  } catch (err) {
    throw new FrameError(`invalid msgpack in an IPC frame: ${(err as Error).message}`, { cause: err });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !('body' in value)) {
    throw new FrameError('an IPC frame must be a map with a "body" key');
  }
  const body = (value as { body: unknown }).body;
  if (Buffer.isBuffer(body)) return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  throw new FrameError(`the "body" of an IPC frame must be bytes: got ${body === null ? 'None' : typeof body}`);
}

/**
 * Cuts a byte stream into frames. Feed chunks with {@link push}; it returns the complete frames
 * found so far (as raw frame bytes). Large frames split over many chunks are assembled once.
 */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private need = 1;

  /**
   * @param maxFrameSize the largest frame accepted; a bigger one is an error (protects memory).
   */
  constructor(private readonly maxFrameSize = 64 * 1024 * 1024) {}

  /** Bytes received but not yet part of a complete frame. */
  get pendingBytes(): number {
    return this.buffered;
  }

  /**
   * Adds a chunk and returns every frame it completes.
   * @throws FrameError on bytes that are not msgpack, or a frame larger than maxFrameSize.
   */
  push(chunk: Buffer): Buffer[] {
    if (chunk.length === 0) return [];
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    if (this.buffered < this.need) return [];
    let buf = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered);
    const frames: Buffer[] = [];
    let offset = 0;
    for (;;) {
      if (offset >= buf.length) {
        buf = buf.subarray(buf.length);
        this.need = 1;
        break;
      }
      const scan = scanMsgpack(buf, offset);
      if ('need' in scan) {
        if (scan.need - offset > this.maxFrameSize) {
          throw new FrameError(`an IPC frame of at least ${scan.need - offset} bytes exceeds the limit of ${this.maxFrameSize} bytes`);
        }
        this.need = scan.need - offset;
        break;
      }
      if (scan.end - offset > this.maxFrameSize) {
        throw new FrameError(`an IPC frame of ${scan.end - offset} bytes exceeds the limit of ${this.maxFrameSize} bytes`);
      }
      frames.push(buf.subarray(offset, scan.end));
      offset = scan.end;
    }
    const rest = buf.subarray(offset);
    this.chunks = rest.length ? [rest] : [];
    this.buffered = rest.length;
    return frames;
  }
}
