/**
 * A TCP proxy on 127.0.0.1 that can stop forwarding without closing anything: the fake for a
 * network partition (a switch that fails drops the packets, TCP keeps the connection open and
 * retransmits; the bytes arrive once the network is back, if the connection still lives).
 * While partitioned, bytes are held in both directions and new connections wait; `heal()`
 * delivers what was held and forwards again.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  port: number;
  url: string;
  /** Stop forwarding (connections stay open). */
  partition(): void;
  /** Forward again, held bytes first. */
  heal(): void;
  readonly partitioned: boolean;
  /** Close the listener and every connection. */
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  upstream: Socket | undefined;
  /** Bytes held while partitioned: to upstream, to client. */
  toUp: Buffer[];
  toClient: Buffer[];
}

export async function startTcpProxy(target: { host: string; port: number }, scheme = 'redis'): Promise<TcpProxy> {
  let cut = false;
  const pairs = new Set<Pair>();

  const link = (pair: Pair) => {
    const up = connect(target.port, target.host);
    pair.upstream = up;
    up.on('data', (d: Buffer) => (cut ? pair.toClient.push(d) : pair.client.write(d)));
    up.on('error', () => pair.client.destroy());
    up.on('close', () => pair.client.destroy());
    for (const d of pair.toUp.splice(0)) up.write(d);
  };

  const server: Server = createServer((client) => {
    const pair: Pair = { client, upstream: undefined, toUp: [], toClient: [] };
    pairs.add(pair);
    client.setNoDelay(true);
    client.on('data', (d: Buffer) => (cut || !pair.upstream ? pair.toUp.push(d) : pair.upstream.write(d)));
    client.on('error', () => pair.upstream?.destroy());
    client.on('close', () => {
      pair.upstream?.destroy();
      pairs.delete(pair);
    });
    if (!cut) link(pair);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const port = (server.address() as { port: number }).port;
  return {
    port,
    url: `${scheme}://127.0.0.1:${port}`,
    get partitioned() {
      return cut;
    },
    partition() {
      cut = true;
    },
    heal() {
      cut = false;
      for (const pair of pairs) {
        if (!pair.upstream) {
          link(pair);
          continue;
        }
        for (const d of pair.toUp.splice(0)) pair.upstream.write(d);
        for (const d of pair.toClient.splice(0)) pair.client.write(d);
      }
    },
    async close() {
      for (const pair of pairs) {
        pair.client.destroy();
        pair.upstream?.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
