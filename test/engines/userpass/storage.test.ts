// What the userpass backend stores, read in the clear (the backend over plain storage, no barrier):
// the password only as its scrypt PHC string.
import { describe, expect, it } from 'vitest'
import type { LogicalRequest, Operation } from '../../../src/core/logical.js'
import { nodeCrypto } from '../../../src/crypto/node.js'
import { createUserpassBackend, scryptHasher } from '../../../src/index.node.js'
import { StorageView } from '../../../src/storage/view.js'
import { ManualClock } from '../../../src/testing/manual-clock.js'
import { MapStorage } from '../token/helpers.js'

describe('userpass storage', () => {
  it('keeps the password only as a salted scrypt hash with its parameters', async () => {
    const storage = new MapStorage()
    const view = new StorageView(storage, 'auth/0000/')
    const clock = new ManualClock()
    const backend = createUserpassBackend(
      {
        storage: view,
        system: { clock, crypto: nodeCrypto, defaultLeaseTtl: () => 3600, maxLeaseTtl: () => 7200 },
        mountPath: 'auth/userpass/',
        type: 'userpass',
        uuid: '0000',
        accessor: 'auth_userpass_00000000',
        options: {},
      },
      { hasher: scryptHasher({ crypto: nodeCrypto, logN: 9 }) },
    )
    const call = (operation: Operation, path: string, data: Record<string, unknown>) => {
      const req: LogicalRequest = {
        id: 'r',
        operation,
        path,
        mountPoint: 'auth/userpass/',
        mountType: 'userpass',
        mountAccessor: 'auth_userpass_00000000',
        data,
        storage: view,
        clientToken: '',
        clientTokenAccessor: '',
        displayName: '',
        policies: [],
        headers: {},
      }
      return backend.handleRequest(req)
    }
    await call('create', 'users/bob', { password: 'hunter2-is-my-password', token_policies: 'web' })
    const stored = JSON.parse(new TextDecoder().decode(storage.map.get('auth/0000/user/bob'))) as Record<
      string,
      unknown
    >
    expect(stored.password_hash).toMatch(/^\$scrypt\$ln=9,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/)
    expect(JSON.stringify(stored)).not.toContain('hunter2')
    const login = await call('update', 'login/bob', { password: 'hunter2-is-my-password' })
    expect(login?.auth).toMatchObject({
      metadata: { username: 'bob' },
      displayName: 'bob',
      policies: ['web'],
      renewable: true,
    })
  })
})
