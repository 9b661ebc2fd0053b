// The engine registry: which secrets-engine and auth-method types a vault can mount.
import { describe, expect, it } from 'vitest'
import { type EngineDefinition, EngineRegistry, Vault } from '../../src/index.node.js'
import { echoEngine } from '../support/echo-engine.js'

const factory: EngineDefinition['factory'] = () => {
  throw new Error('not built in these tests')
}

describe('EngineRegistry', () => {
  it('registers a type and gets it back by kind and name', () => {
    const registry = new EngineRegistry()
    const def: EngineDefinition = { type: 'echo', kind: 'secret', factory, version: 'v1.2.3' }
    expect(registry.register(def)).toBe(registry)
    expect(registry.get('secret', 'echo')).toBe(def)
    expect(registry.get('secret', 'other')).toBeUndefined()
  })

  it('refuses a duplicate of the same kind with a TypeError, keeping the first', () => {
    const registry = new EngineRegistry()
    const first: EngineDefinition = { type: 'echo', kind: 'secret', factory }
    registry.register(first)
    expect(() => registry.register({ type: 'echo', kind: 'secret', factory })).toThrow(TypeError)
    expect(() => registry.register({ type: 'echo', kind: 'secret', factory })).toThrow(
      'engine type "echo" (secret) is already registered',
    )
    expect(registry.get('secret', 'echo')).toBe(first)
  })

  it.each(['', '-lead', '_lead', 'has space', 'a/b', 'a.b', 'é', 'kv:2', 'x\n'])(
    'refuses the type name %j with a TypeError',
    (type) => {
      const registry = new EngineRegistry()
      expect(() => registry.register({ type, kind: 'secret', factory })).toThrow(TypeError)
      expect(registry.types('secret')).toEqual([])
    },
  )

  it.each([undefined, null, 123, {}])('refuses a type that is not a string (%j) with a TypeError', (type) => {
    const registry = new EngineRegistry()
    expect(() => registry.register({ type, kind: 'secret', factory } as unknown as EngineDefinition)).toThrow(
      TypeError,
    )
    expect(registry.types('secret')).toEqual([])
  })

  it('refuses an unknown kind or a missing factory with a TypeError', () => {
    const registry = new EngineRegistry()
    expect(() =>
      registry.register({ type: 'x', kind: 'database', factory } as unknown as EngineDefinition),
    ).toThrow(TypeError)
    expect(() => registry.register({ type: 'x', kind: 'secret' } as unknown as EngineDefinition)).toThrow(
      TypeError,
    )
    expect(registry.types('secret')).toEqual([])
    expect(registry.types('auth')).toEqual([])
  })

  it.each(['kv', 'kv2', 'my-engine', 'my_engine', 'A1', '9lives'])('accepts the type name %j', (type) => {
    const registry = new EngineRegistry()
    registry.register({ type, kind: 'secret', factory })
    expect(registry.types('secret')).toEqual([type])
  })

  it('types() lists one kind, sorted', () => {
    const registry = new EngineRegistry()
    for (const type of ['transit', 'kv', 'database', 'cubbyhole'])
      registry.register({ type, kind: 'secret', factory })
    for (const type of ['userpass', 'approle']) registry.register({ type, kind: 'auth', factory })
    expect(registry.types('secret')).toEqual(['cubbyhole', 'database', 'kv', 'transit'])
    expect(registry.types('auth')).toEqual(['approle', 'userpass'])
  })

  it('kinds are separate: the same name can be a secrets engine and an auth method', () => {
    const registry = new EngineRegistry()
    const secret: EngineDefinition = { type: 'ldap', kind: 'secret', factory }
    const auth: EngineDefinition = { type: 'ldap', kind: 'auth', factory }
    registry.register(secret).register(auth)
    expect(registry.get('secret', 'ldap')).toBe(secret)
    expect(registry.get('auth', 'ldap')).toBe(auth)
    expect(registry.types('secret')).toEqual(['ldap'])
    expect(registry.types('auth')).toEqual(['ldap'])
    registry.register({ type: 'token', kind: 'auth', factory })
    expect(registry.get('secret', 'token')).toBeUndefined()
  })
})

describe('a vault’s registry', () => {
  it('has the system type, as a singleton, and refuses to register it again', async () => {
    const vault = new Vault()
    expect(vault.engines.types('secret')).toContain('system')
    expect(vault.engines.get('secret', 'system')?.singleton).toBe(true)
    expect(() => vault.engines.register({ type: 'system', kind: 'secret', factory })).toThrow(TypeError)
  })

  it('a type registered as an auth method cannot be mounted as a secrets engine', async () => {
    const vault = await Vault.dev({ rootToken: 'root' })
    vault.engines.register({ ...echoEngine(), kind: 'auth' })
    expect(
      await vault.handle({ method: 'POST', path: 'sys/mounts/echo', data: { type: 'echo' }, token: 'root' }),
    ).toEqual({
      status: 400,
      body: { errors: ['plugin not found in the catalog: echo'] },
    })
  })

  it('a type registered after unseal can be mounted right away', async () => {
    const vault = await Vault.dev({ rootToken: 'root' })
    vault.engines.register(echoEngine())
    const res = await vault.handle({
      method: 'POST',
      path: 'sys/mounts/echo',
      data: { type: 'echo' },
      token: 'root',
    })
    expect(res.status).toBe(204)
  })
})
