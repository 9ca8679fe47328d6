// GET /console: the reviewer console, served by Lockstep itself. One HTML shell, one script and
// one stylesheet; everything else it shows comes from the public GraphQL API with the person's
// own token. The content security policy keeps the page from loading or calling anything but
// this server.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { consoleBundle } from './console-bundle.ts';
import { sendJson, type Route } from './server.ts';

const shell = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Lockstep console</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/console/console.css">
<script type="module" src="/console/console.js"></script>
</head>
<body><div id="app"></div></body>
</html>
`;

const policy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

function send(response: ServerResponse, type: string, body: string): void {
  response.writeHead(200, {
    'content-type': `${type}; charset=utf-8`,
    'content-length': Buffer.byteLength(body),
    'content-security-policy': policy,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-cache',
  });
  response.end(body);
}

/** Serves the console's shell at /console and its two assets below it. */
export const consoleRoute: Route = async (request: IncomingMessage, response: ServerResponse, url: URL) => {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('allow', 'GET, HEAD');
    sendJson(response, 405, { error: 'The console answers GET only' });
    return;
  }
  if (url.pathname === '/console' || url.pathname === '/console/') return send(response, 'text/html', shell);
  if (url.pathname === '/console/console.js') return send(response, 'text/javascript', (await consoleBundle()).script);
  if (url.pathname === '/console/console.css') return send(response, 'text/css', (await consoleBundle()).styles);
  sendJson(response, 404, { error: `No console page at ${url.pathname}` });
};
