/**
 * A dev vault with transit registered and mounted at `transit/`, a manual clock, and request helpers
 * that return what the HTTP door would answer (status and body) or the envelope.
 */

import { TransitClient } from '../../../src/engines/transit/client.js'
import { createTransitBackend } from '../../../src/engines/transit/index.js'
import { type CryptoProvider, nodeCrypto, Vault, type VaultRequest } from '../../../src/index.node.js'
import { ManualClock } from '../../../src/testing/manual-clock.js'

export const b64 = (s: string | Uint8Array) => Buffer.from(s).toString('base64')
export const unb64 = (s: string) => Buffer.from(s, 'base64').toString('utf8')

export interface TransitHarness {
  vault: Vault
  clock: ManualClock
  /** Status and JSON body, as the HTTP server would answer. */
  call(
    method: VaultRequest['method'],
    path: string,
    data?: Record<string, unknown>,
  ): Promise<{ status: number; body: Record<string, unknown> | null }>
  /** `data` of a successful request to `transit/<path>`; throws on status >= 400. */
  data(
    method: VaultRequest['method'],
    path: string,
    body?: Record<string, unknown>,
  ): Promise<Record<string, unknown>>
  client: TransitClient
}

export async function transitVault(crypto: CryptoProvider = nodeCrypto): Promise<TransitHarness> {
  const clock = new ManualClock()
  const vault = await Vault.dev({ rootToken: 'root', clock, crypto })
  if (!vault.engines.get('secret', 'transit'))
    vault.engines.register({ type: 'transit', kind: 'secret', factory: createTransitBackend })
  await vault.request({
    method: 'POST',
    path: 'sys/mounts/transit',
    data: { type: 'transit' },
    token: 'root',
  })
  const call: TransitHarness['call'] = async (method, path, data) => {
    const res = await vault.handle({
      method,
      path: `transit/${path}`,
      token: 'root',
      ...(data ? { data } : {}),
    })
    return { status: res.status, body: res.body }
  }
  const data: TransitHarness['data'] = async (method, path, body) => {
    const res = await vault.request({
      method,
      path: `transit/${path}`,
      token: 'root',
      ...(body ? { data: body } : {}),
    })
    return (res.data ?? {}) as Record<string, unknown>
  }
  const client = new TransitClient((req) => vault.request(req), 'transit', 'root')
  return { vault, clock, call, data, client }
}

/** The single error message of a failed call. */
export function errorOf(res: { body: Record<string, unknown> | null }): string {
  const errors = (res.body?.errors as string[] | undefined) ?? []
  return errors[0] ?? ''
}

/** Vault's multierror rendering of a backend error (500s). */
export const multi = (msg: string) => `1 error occurred:\n\t* ${msg}\n\n`
