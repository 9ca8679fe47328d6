// The SSRF guard's address classes, its checks at connect time (every URL in a config) and at
// call time (sendRequest and guardedFetch), and the operator's switch that allows private targets.
import { afterEach, describe, expect, it } from 'vitest';
import { ExternalCallError } from '#domain/project/connector.ts';
import { sendRequest } from '#adapters/shared/http.ts';
import { allowPrivateTargets, guardedFetch, isPrivateAddress, privateTargetProblem, urlsIn } from '#adapters/shared/outbound-targets.ts';

afterEach(() => allowPrivateTargets(true));

describe('isPrivateAddress', () => {
  it('refuses loopback, private, link-local, CGNAT, unspecified and IPv4-mapped forms', () => {
    for (const address of ['127.0.0.1', '127.8.9.10', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254',
      '100.64.0.1', '0.0.0.0', '::1', '::', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '::ffff:a9fe:a9fe']) {
      expect([address, isPrivateAddress(address)]).toEqual([address, true]);
    }
  });

  it('lets public addresses through', () => {
    for (const address of ['8.8.8.8', '172.32.0.1', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8']) {
      expect([address, isPrivateAddress(address)]).toEqual([address, false]);
    }
  });
});

describe('the guard', () => {
  it('names the refused host, and says how to allow it', async () => {
    allowPrivateTargets(false);
    expect(await privateTargetProblem('http://169.254.169.254/latest/meta-data')).toMatch(/169\.254\.169\.254 is a loopback, private or link-local.*LOCKSTEP_ALLOW_PRIVATE_TARGETS/);
    expect(await privateTargetProblem('http://localhost:8080/')).toMatch(/localhost \((127\.0\.0\.1|::1)\)/);
    expect(await privateTargetProblem('http://[::1]:9/')).toMatch(/::1/);
    expect(await privateTargetProblem('file:///etc/passwd')).toMatch(/not http/);
    expect(await privateTargetProblem('https://93.184.215.14/')).toBeUndefined();
  });

  it('refuses at call time through sendRequest and guardedFetch, before any connection', async () => {
    allowPrivateTargets(false);
    const call = sendRequest({ url: 'http://127.0.0.1:9/hook', json: { hello: 'world' } });
    await expect(call).rejects.toBeInstanceOf(ExternalCallError);
    await expect(call).rejects.toMatchObject({ kind: 'rejected', message: expect.stringMatching(/refused: 127\.0\.0\.1/) });
    await expect(guardedFetch('http://10.0.0.1/')).rejects.toMatchObject({ kind: 'rejected' });
  });

  it('allows everything when the operator says so', async () => {
    allowPrivateTargets(true);
    expect(await privateTargetProblem('http://127.0.0.1:9/')).toBeUndefined();
  });

  it('finds every URL of a config, nested ones included', () => {
    expect(urlsIn({ baseUrl: 'https://x.example', routes: [{ silenceUrl: 'http://10.0.0.5:9093' }], channel: '#ops', n: 3 })).toEqual([
      { path: 'config.baseUrl', url: 'https://x.example' },
      { path: 'config.routes.0.silenceUrl', url: 'http://10.0.0.5:9093' },
    ]);
  });
});
