// The default crypto provider: noble from the runtime-neutral entry, node:crypto from the Node entry
// (the package's `node` export condition), and whatever a Vault is given when injected.
import { describe, expect, it } from 'vitest'

describe('default crypto provider', () => {
  it('the Node entry makes node:crypto the default; a Vault uses it unless given another', async () => {
    const node = await import('../../src/index.node.js')
    expect(node.getDefaultCrypto().name).toBe('node')
    expect(new node.Vault().crypto.name).toBe('node')
    expect(new node.Vault({ crypto: node.nobleCrypto }).crypto.name).toBe('noble')
  })

  it('setDefaultCrypto refuses something that is not a provider', async () => {
    const { setDefaultCrypto } = await import('../../src/index.js')
    expect(() => setDefaultCrypto({} as never)).toThrow(TypeError)
  })

  it('the package exports map routes the node condition to the Node entry', async () => {
    const pkg = (await import('../../package.json', { with: { type: 'json' } })).default
    expect(pkg.exports['.'].node).toBe('./dist/index.node.js')
    expect(pkg.exports['.'].default).toBe('./dist/index.js')
  })
})
