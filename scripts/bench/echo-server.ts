// The capacity baseline: a bare fastify + @fastify/websocket server that answers every frame on
// /ws with one frame (the same text). It does no parsing, no NLU and no storage, so the same load
// client driving it and daehwa in one run shows what the engine costs over the transport alone.
//
//   PORT=4000 node --import tsx scripts/bench/echo-server.ts

import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';

export async function startEchoServer(port: number, host = '127.0.0.1'): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  await app.register(websocket);
  app.get('/ws', { websocket: true }, (socket) => {
    socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
  });
  await app.listen({ port, host });
  return app;
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  const port = Number(process.env.PORT ?? 4000);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    process.stderr.write(`echo-server: PORT must be a TCP port number, got '${process.env.PORT}'\n`);
    process.exit(2);
  }
  const app = await startEchoServer(port);
  process.stdout.write(`echo server listening on ws://127.0.0.1:${port}/ws\n`);
  const stop = () => void app.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
