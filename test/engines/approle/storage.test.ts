// What the AppRole backend stores, read in the clear (the backend over plain storage, no barrier):
// secret IDs only as HMACs under the role's key, role IDs and accessors only salted (Vault's approle
// validation.go createHMAC, salt.SaltID; path_role.go setRoleIDEntry).
import { describe, expect, it } from 'vitest'
import type { LogicalRequest, Operation } from '../../../src/core/logical.js'
import { nodeCrypto } from '../../../src/crypto/node.js'
import { createAppRoleBackend } from '../../../src/engines/approle/index.js'
import { StorageView } from '../../../src/storage/view.js'
import { ManualClock } from '../../../src/testing/manual-clock.js'
import { MapStorage } from '../token/helpers.js'

async function backend() {
  const storage = new MapStorage()
  const view = new StorageView(storage, 'auth/0000/')
  const clock = new ManualClock()
  const b = createAppRoleBackend({
    storage: view,
    system: { clock, crypto: nodeCrypto, defaultLeaseTtl: () => 2764800, maxLeaseTtl: () => 2764800 },
    mountPath: 'auth/approle/',
    type: 'approle',
    uuid: '0000',
    accessor: 'auth_approle_00000000',
    options: {},
  })
  await b.initialize()
  const call = async (operation: Operation, path: string, data: Record<string, unknown> = {}) => {
    const req: LogicalRequest = {
      id: 'r',
      operation,
      path,
      mountPoint: 'auth/approle/',
      mountType: 'approle',
      mountAccessor: 'auth_approle_00000000',
      data,
      storage: view,
      clientToken: 'root',
      clientTokenAccessor: '',
      displayName: 'root',
      policies: ['root'],
      headers: {},
    }
    if (operation === 'update') {
      const { checkFound, exists } = await b.existenceCheck(req)
      if (checkFound && !exists) req.operation = 'create'
    }
    return b.handleRequest(req)
  }
  return { storage, call }
}

describe('approle storage', () => {
  it('keeps no secret ID in the clear; role IDs and accessors are indexed salted', async () => {
    const { storage, call } = await backend()
    await call('update', 'role/web', { role_id: 'role-id-in-the-clear' })
    const g = (await call('update', 'role/web/secret-id'))?.data as Record<string, string>
    const custom = (await call('update', 'role/web/custom-secret-id', { secret_id: 'custom-secret-value' }))
      ?.data
    const login = await call('update', 'login', { role_id: 'role-id-in-the-clear', secret_id: g.secret_id })
    expect(login?.auth?.metadata).toEqual({ role_name: 'web' })
    const keys = storage.keys()
    const everything =
      keys.join('\n') + [...storage.map.values()].map((v) => new TextDecoder().decode(v)).join('\n')
    for (const secret of [g.secret_id, 'custom-secret-value']) expect(everything).not.toContain(secret)
    // Accessors are not credentials (LIST shows them); they are kept inside the entries, but index keys
    // are salted.
    for (const accessor of [g.secret_id_accessor, custom?.secret_id_accessor as string]) {
      expect(keys.join('\n')).not.toContain(accessor)
    }
    // The role ID is a login credential: its index key is salted (it appears only inside the role entry).
    expect(keys.join('\n')).not.toContain('role-id-in-the-clear')
    expect(keys.filter((k) => k.startsWith('auth/0000/secret_id/'))).toHaveLength(2)
    expect(keys.filter((k) => k.startsWith('auth/0000/accessor/'))).toHaveLength(2)
    expect(keys).toContain('auth/0000/salt')
    expect(
      keys.every((k) =>
        /^auth\/0000\/(salt|role\/web|role_id\/[0-9a-f]{64}|secret_id\/[0-9a-f]{64}\/[0-9a-f]{64}|accessor\/[0-9a-f]{64})$/.test(
          k,
        ),
      ),
    ).toBe(true)
  })
})
