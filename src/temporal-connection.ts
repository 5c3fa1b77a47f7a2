import { readFileSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/client';

/**
 * How to reach a Temporal cluster other than the local dev server (self-hosted with mTLS, or Temporal
 * Cloud), read from the variables Temporal's own CLI and SDKs read, so that one environment serves the
 * worker, the demo and `temporal` alike. The older CLI names (TEMPORAL_TLS_CERT, _KEY, _CA) work too.
 */
export interface TemporalTlsSettings {
  clientCertPath?: string;
  clientKeyPath?: string;
  serverCaCertPath?: string;
  serverName?: string;
}

export interface TemporalAccess {
  /** TLS settings, or `true` for TLS with the system's roots; absent: plaintext (the dev server). */
  temporalTls?: TemporalTlsSettings | true;
  /** Temporal Cloud's API key (TEMPORAL_API_KEY); it turns TLS on unless TEMPORAL_TLS=false. */
  temporalApiKey?: string;
}

const VARIABLES = {
  clientCertPath: ['TEMPORAL_TLS_CLIENT_CERT_PATH', 'TEMPORAL_TLS_CERT'],
  clientKeyPath: ['TEMPORAL_TLS_CLIENT_KEY_PATH', 'TEMPORAL_TLS_KEY'],
  serverCaCertPath: ['TEMPORAL_TLS_SERVER_CA_CERT_PATH', 'TEMPORAL_TLS_CA'],
  serverName: ['TEMPORAL_TLS_SERVER_NAME'],
} as const satisfies Record<keyof TemporalTlsSettings, readonly string[]>;

export function temporalAccess(env: NodeJS.ProcessEnv): TemporalAccess {
  const settings: TemporalTlsSettings = {};
  for (const [key, names] of Object.entries(VARIABLES) as Array<[keyof TemporalTlsSettings, readonly string[]]>) {
    const value = names.map((name) => env[name]).find((v) => v !== undefined && v !== '');
    if (value !== undefined) settings[key] = value;
  }
  if (Boolean(settings.clientCertPath) !== Boolean(settings.clientKeyPath)) {
    throw new RangeError('TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH go together (mTLS needs both the certificate and its key): set both, or neither');
  }
  const apiKey = env.TEMPORAL_API_KEY || undefined;
  const tls = tlsSwitch(env.TEMPORAL_TLS) ?? (apiKey !== undefined || Object.keys(settings).length > 0);
  if (!tls && Object.keys(settings).length > 0) {
    throw new RangeError('TEMPORAL_TLS is false but TLS files or a server name are set: remove TEMPORAL_TLS=false, or unset the TEMPORAL_TLS_* variables');
  }
  return {
    ...(tls ? { temporalTls: Object.keys(settings).length > 0 ? settings : true } : {}),
    ...(apiKey === undefined ? {} : { temporalApiKey: apiKey }),
  };
}

function tlsSwitch(raw: string | undefined): boolean | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  throw new RangeError(`TEMPORAL_TLS is ${JSON.stringify(raw)}: set it to true or false, or unset it`);
}

/** The SDK's connection options (client or worker): TLS files read now, so a wrong path fails at start. */
export function connectionOptions(config: TemporalAccess & { temporalAddress: string }): { address: string; tls?: TLSConfig | true; apiKey?: string } {
  const { temporalTls: tls, temporalApiKey: apiKey } = config;
  return {
    address: config.temporalAddress,
    ...(tls === undefined ? {} : { tls: tls === true ? true : tlsConfig(tls) }),
    ...(apiKey === undefined ? {} : { apiKey }),
  };
}

function tlsConfig(settings: TemporalTlsSettings): TLSConfig {
  return {
    ...(settings.serverName ? { serverNameOverride: settings.serverName } : {}),
    ...(settings.serverCaCertPath ? { serverRootCACertificate: readPem(settings.serverCaCertPath, 'TEMPORAL_TLS_SERVER_CA_CERT_PATH') } : {}),
    ...(settings.clientCertPath && settings.clientKeyPath
      ? { clientCertPair: { crt: readPem(settings.clientCertPath, 'TEMPORAL_TLS_CLIENT_CERT_PATH'), key: readPem(settings.clientKeyPath, 'TEMPORAL_TLS_CLIENT_KEY_PATH') } }
      : {}),
  };
}

function readPem(path: string, variable: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new RangeError(`${variable} is ${JSON.stringify(path)}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? error}): point it at a PEM file`);
  }
}
