import net, { type AddressInfo, type Server, type Socket } from 'node:net';

/** What the gateway sent Redis between two `reset()`s. */
export interface RedisTraffic {
  /** Commands, by name in upper case, in the order they were sent. */
  commands: string[];
  /**
   * Round trips: how often a connection switched from "the gateway is sending" to "Redis is
   * answering". Commands written together (a pipeline, auto-pipelining, one script) are one.
   */
  roundTrips: number;
  /** The commands of each round trip, in order. */
  exchanges: string[][];
}

export interface RedisCountingProxy {
  /** Point the gateway here: `redis://127.0.0.1:<port>`. */
  url: string;
  traffic(): RedisTraffic;
  reset(): void;
  stop(): Promise<void>;
}

/**
 * A real TCP relay between the gateway and a real Redis that counts what passes: the commands in
 * the RESP arrays the client writes, and the round trips (a burst of client writes followed by a
 * reply). Not a mock: every byte goes to Redis and back unchanged. Connections whose first
 * command is SUBSCRIBE (the pub/sub listeners) are relayed but not counted: they carry no
 * request traffic.
 */
export async function startRedisCountingProxy(
  targetUrl: string,
  /** How a command is recorded, from its arguments (name first); by default its name in upper case. */
  label: (args: readonly string[]) => string = (args) => (args[0] ?? '').toUpperCase(),
): Promise<RedisCountingProxy> {
  const target = new URL(targetUrl);
  let commands: string[] = [];
  let exchanges: string[][] = [];
  const sockets = new Set<Socket>();

  const server: Server = net.createServer((client) => {
    const upstream = net.connect({ host: target.hostname, port: Number(target.port || 6379) });
    sockets.add(client).add(upstream);
    const parser = new RespCommandParser();
    let sending: string[] | undefined;
    let subscriber: boolean | undefined;
    client.on('data', (chunk: Buffer) => {
      const names = parser.push(chunk).map(label);
      if (subscriber === undefined && names.length > 0) subscriber = /^P?SUBSCRIBE$/i.test(names[0] ?? '');
      if (!subscriber && names.length > 0) {
        commands.push(...names);
        if (!sending) exchanges.push((sending = []));
        sending.push(...names);
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      sending = undefined;
      client.write(chunk);
    });
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `redis://127.0.0.1:${port}`,
    traffic: () => ({ commands: [...commands], roundTrips: exchanges.length, exchanges: exchanges.map((e) => [...e]) }),
    reset: () => {
      commands = [];
      exchanges = [];
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * Reads the commands out of a client's RESP stream (`*<n>\r\n` then n `$<len>\r\n<bytes>\r\n`),
 * across chunk boundaries. Clients such as ioredis send nothing else.
 */
class RespCommandParser {
  private buffer = Buffer.alloc(0);

  push(chunk: Buffer): string[][] {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    const names: string[][] = [];
    for (;;) {
      const parsed = this.next();
      if (!parsed) break;
      names.push(parsed);
    }
    return names;
  }

  /** One whole command's arguments, consumed from the buffer; undefined when it has not all arrived. */
  private next(): string[] | undefined {
    let offset = 0;
    const line = (): string | undefined => {
      const end = this.buffer.indexOf('\r\n', offset);
      if (end < 0) return undefined;
      const text = this.buffer.toString('latin1', offset, end);
      offset = end + 2;
      return text;
    };
    const header = line();
    if (header === undefined || !header.startsWith('*')) return undefined;
    const count = Number(header.slice(1));
    const args: string[] = [];
    for (let i = 0; i < count; i += 1) {
      const len = line();
      if (len === undefined) return undefined;
      const size = Number(len.slice(1));
      if (this.buffer.length < offset + size + 2) return undefined;
      args.push(this.buffer.toString('latin1', offset, offset + size));
      offset += size + 2;
    }
    this.buffer = this.buffer.subarray(offset);
    return args;
  }
}
