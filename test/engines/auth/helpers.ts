/**
 * Shared setup for the auth-method tests: a dev vault on a manual clock with root token `root`, a cheap
 * password hasher (scrypt at N=2^10, so tests do not spend 0.2 s per password) whose KDF calls are
 * counted, and request helpers.
 */

import { scryptAsync } from '@noble/hashes/scrypt.js'
import { nodeCrypto } from '../../../src/crypto/node.js'
import {
  type ConnectionInfo,
  type ScryptKdf,
  scryptHasher,
  Vault,
  type VaultError,
  type VaultResponse,
} from '../../../src/index.node.js'
import { ManualClock } from '../../../src/testing/manual-clock.js'

/** One KDF invocation the spied hasher saw. */
export interface KdfCall {
  N: number
  r: number
  p: number
  dkLen: number
  saltLength: number
}

export interface AuthHarness {
  vault: Vault
  clock: ManualClock
  /** Every scrypt derivation, in order. */
  kdfCalls: KdfCall[]
  /** `vault.request` with the root token unless `token` is given (`''`: none). */
  call<T = Record<string, unknown>>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'LIST',
    path: string,
    data?: Record<string, unknown>,
    options?: { token?: string; connection?: ConnectionInfo },
  ): Promise<VaultResponse<T>>
}

/** A dev vault (KV v2 at `secret/`) on a manual clock, with a counted, cheap scrypt hasher. */
export async function authVault(options: { logN?: number } = {}): Promise<AuthHarness> {
  const clock = new ManualClock()
  const kdfCalls: KdfCall[] = []
  const kdf: ScryptKdf = (password, salt, params) => {
    kdfCalls.push({ ...params, saltLength: salt.length })
    return scryptAsync(password, salt, params)
  }
  const vault = await Vault.dev({
    clock,
    rootToken: 'root',
    passwordHasher: scryptHasher({ crypto: nodeCrypto, logN: options.logN ?? 10, kdf }),
  })
  const call: AuthHarness['call'] = (method, path, data, opts = {}) =>
    vault.request({
      method,
      path,
      ...(data ? { data } : {}),
      ...(opts.token !== '' ? { token: opts.token ?? 'root' } : {}),
      ...(opts.connection ? { connection: opts.connection } : {}),
    })
  return { vault, clock, kdfCalls, call }
}

/** What a promise rejected with (fails if it resolved). */
export async function rejection(p: Promise<unknown>): Promise<VaultError> {
  try {
    await p
  } catch (e) {
    return e as VaultError
  }
  throw new Error('expected a rejection')
}

/** Writes an ACL policy as root. */
export async function putPolicy(h: AuthHarness, name: string, policy: string): Promise<void> {
  await h.call('PUT', `sys/policies/acl/${name}`, { policy })
}
