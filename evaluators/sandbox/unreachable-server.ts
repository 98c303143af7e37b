import { createServer, type AddressInfo, type Socket } from 'node:net';

/**
 * A loopback TCP server that accepts connections and never answers: what a client sees when an
 * instance is down behind a load balancer (the request hangs until the client's timeout).
 */
export async function startUnreachableServer(): Promise<{
  url: (scheme: 'http' | 'https') => string;
  close(): Promise<void>;
}> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: (scheme) => `${scheme}://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
