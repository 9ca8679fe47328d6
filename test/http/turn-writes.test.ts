// Frames sent to one WebSocket within one turn of the event loop are written together: the
// connection is corked from the turn's first send until its promise jobs ran, then uncorked, and
// every frame still arrives, in order.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { batchWritesPerTurn } from '#infra/http/turn-writes.ts';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('writes batched per turn', () => {
  it('cork the connection at the first send of a turn and uncork it after the turn’s promise jobs', async () => {
    const raw = new PassThrough();
    const corkedAtSend: number[] = [];
    const socket = { send: () => corkedAtSend.push(raw.writableCorked) } as unknown as WebSocket;
    batchWritesPerTurn(socket, raw);
    socket.send('a');
    await Promise.resolve();
    socket.send('b');
    await Promise.resolve().then(() => socket.send('c'));
    expect(raw.writableCorked).toBe(1);
    await nextTurn();
    expect(raw.writableCorked).toBe(0);
    socket.send('d');
    expect(raw.writableCorked).toBe(1);
    await nextTurn();
    expect(raw.writableCorked).toBe(0);
    expect(corkedAtSend).toEqual([1, 1, 1, 1]);
  });

  it('deliver every frame, in order, when many are sent in one turn', async () => {
    const server = createServer();
    const sockets = new WebSocketServer({ server });
    sockets.on('connection', (socket, request) => {
      batchWritesPerTurn(socket, request.socket);
      void Promise.resolve().then(() => {
        for (let index = 0; index < 200; index += 1) socket.send(`frame ${index}`);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
    try {
      const received: string[] = [];
      await new Promise<void>((resolve, reject) => {
        client.on('message', (data: Buffer) => {
          received.push(data.toString());
          if (received.length === 200) resolve();
        });
        client.on('error', reject);
      });
      expect(received).toEqual(Array.from({ length: 200 }, (_, index) => `frame ${index}`));
    } finally {
      client.close();
      for (const socket of sockets.clients) socket.terminate();
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
