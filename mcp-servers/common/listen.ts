import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A listening MCP HTTP endpoint. */
export interface ListeningMcpEndpoint {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Binds an HTTP server that serves MCP at `/mcp` (port 0 picks a free port) and returns its URL
 * and a close that also drops kept-alive connections, so shutdown never hangs on idle clients.
 */
export async function listenMcpEndpoint(
  httpServer: HttpServer,
  port: number,
  host: string,
): Promise<ListeningMcpEndpoint> {
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(port, host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const address = httpServer.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}/mcp`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        httpServer.closeAllConnections();
        httpServer.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
