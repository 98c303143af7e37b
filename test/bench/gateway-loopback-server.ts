import { createServer } from 'node:http';

/**
 * Child process of the gateway benchmark's calibration: the cheapest HTTP server node:http allows
 * (drains the request, answers a fixed small JSON body), so the client's timings are the box's own
 * cost of one HTTP exchange between two processes on loopback. Prints `{"url": ...}` on stdout and
 * runs until SIGTERM.
 */
const body = Buffer.from('{"ok":true}');
const server = createServer((req, res) => {
  req.resume();
  req.once('end', () =>
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length }).end(body),
  );
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}/` })}\n`);
});
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
