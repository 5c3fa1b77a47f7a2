import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runtimeConfig } from '../../src/config.js';
import { connectionOptions } from '../../src/temporal-connection.js';

describe('reaching a Temporal cluster (the CLI’s variables)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'firefly-tls-'));
  const pem = (name: string) => {
    const path = join(dir, name);
    writeFileSync(path, `-----BEGIN ${name}-----\n`);
    return path;
  };

  it('connects in plaintext to the address and namespace given, as to the dev server', () => {
    const config = runtimeConfig({ TEMPORAL_ADDRESS: 'temporal.internal:7233', TEMPORAL_NAMESPACE: 'datasets' });
    expect(config.namespace).toBe('datasets');
    expect(connectionOptions(config)).toEqual({ address: 'temporal.internal:7233' });
  });

  it('reads mTLS files, the server CA and name, under the current names and the CLI’s older ones', () => {
    const [cert, key, ca] = [pem('CERT'), pem('KEY'), pem('CA')];
    const current = connectionOptions(runtimeConfig({
      TEMPORAL_TLS_CLIENT_CERT_PATH: cert, TEMPORAL_TLS_CLIENT_KEY_PATH: key, TEMPORAL_TLS_SERVER_CA_CERT_PATH: ca, TEMPORAL_TLS_SERVER_NAME: 'frontend',
    }));
    const legacy = connectionOptions(runtimeConfig({ TEMPORAL_TLS_CERT: cert, TEMPORAL_TLS_KEY: key, TEMPORAL_TLS_CA: ca, TEMPORAL_TLS_SERVER_NAME: 'frontend' }));
    expect(legacy).toEqual(current);
    expect(current.tls).toEqual({
      serverNameOverride: 'frontend',
      serverRootCACertificate: Buffer.from('-----BEGIN CA-----\n'),
      clientCertPair: { crt: Buffer.from('-----BEGIN CERT-----\n'), key: Buffer.from('-----BEGIN KEY-----\n') },
    });
  });

  it('sends an API key over TLS (Temporal Cloud) unless TEMPORAL_TLS=false says otherwise', () => {
    expect(connectionOptions(runtimeConfig({ TEMPORAL_API_KEY: 'k-123' }))).toEqual({ address: '127.0.0.1:7233', tls: true, apiKey: 'k-123' });
    expect(connectionOptions(runtimeConfig({ TEMPORAL_API_KEY: 'k-123', TEMPORAL_TLS: 'false' }))).toEqual({ address: '127.0.0.1:7233', apiKey: 'k-123' });
    expect(connectionOptions(runtimeConfig({ TEMPORAL_TLS: 'true' }))).toEqual({ address: '127.0.0.1:7233', tls: true });
  });

  it('refuses what cannot work, naming the variable', () => {
    expect(() => runtimeConfig({ TEMPORAL_TLS_CLIENT_CERT_PATH: pem('ALONE') })).toThrow(/TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH go together/);
    expect(() => runtimeConfig({ TEMPORAL_TLS: 'yes' })).toThrow(/TEMPORAL_TLS is "yes"/);
    expect(() => runtimeConfig({ TEMPORAL_TLS: 'false', TEMPORAL_TLS_SERVER_NAME: 'x' })).toThrow(/TEMPORAL_TLS is false/);
    const missing = runtimeConfig({ TEMPORAL_TLS_SERVER_CA_CERT_PATH: join(dir, 'missing.pem') });
    expect(() => connectionOptions(missing)).toThrow(/TEMPORAL_TLS_SERVER_CA_CERT_PATH is ".*missing.pem", which cannot be read \(ENOENT\)/);
  });
});
