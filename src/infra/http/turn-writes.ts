// Frames sent to one WebSocket within one turn of the event loop leave in one socket write: the
// socket is corked at the turn's first frame and uncorked once its callbacks and promise jobs ran.
// An event that reaches fifty subscriptions of one socket then costs one write, not fifty.
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

/** Makes `socket`'s sends within one turn go out together through `raw`, the connection it writes to. */
export function batchWritesPerTurn(socket: WebSocket, raw: Duplex): void {
  const send = socket.send.bind(socket);
  let corked = false;
  const uncork = () => {
    corked = false;
    raw.uncork();
  };
  socket.send = ((...args: Parameters<WebSocket['send']>) => {
    if (!corked) {
      corked = true;
      raw.cork();
      // After the promise jobs of this turn, so the other subscriptions' frames join this write.
      process.nextTick(uncork);
    }
    return send(...args);
  }) as WebSocket['send'];
}
