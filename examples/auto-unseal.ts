/**
 * Auto-unseal: the root key is protected by a host-provided wrap/unwrap (here an AES-GCM key standing
 * in for a cloud KMS). The vault unseals itself; `init` returns recovery keys, which authorize
 * operator actions such as generate-root but never decrypt data.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { CallbackSeal, MemoryStorage, Vault } from 'vaultlet'

// A stand-in for a KMS: in production, wrap/unwrap call AWS KMS, GCP KMS, an HSM…
const kmsKey = randomBytes(32)
const kms = {
  async encrypt(plaintext: Uint8Array): Promise<Uint8Array> {
    const iv = randomBytes(12)
    const c = createCipheriv('aes-256-gcm', kmsKey, iv)
    const body = Buffer.concat([c.update(plaintext), c.final()])
    return new Uint8Array(Buffer.concat([iv, body, c.getAuthTag()]))
  },
  async decrypt(blob: Uint8Array): Promise<Uint8Array> {
    const b = Buffer.from(blob)
    const d = createDecipheriv('aes-256-gcm', kmsKey, b.subarray(0, 12))
    d.setAuthTag(b.subarray(b.length - 16))
    return new Uint8Array(Buffer.concat([d.update(b.subarray(12, b.length - 16)), d.final()]))
  },
}
const seal = () => new CallbackSeal({ type: 'demo-kms', wrap: kms.encrypt, unwrap: kms.decrypt })

const storage = new MemoryStorage()
const vault = new Vault({ storage, seal: seal() })
const { recoveryKeys, rootToken } = await vault.init({ recoveryShares: 3, recoveryThreshold: 2 })
console.log('recovery keys:', recoveryKeys?.length, '— sealed after init:', vault.sealed)
await vault.seal()

// A process restart: a new instance on the same storage unseals itself through the KMS.
const restarted = new Vault({ storage, seal: seal() })
await restarted.unseal()
const status = await restarted.status()
console.log('after restart:', {
  sealed: status.sealed,
  type: status.type,
  recovery_seal: status.recovery_seal,
})
const mounts = await restarted.request({ method: 'GET', path: 'sys/mounts', token: rootToken })
console.log('mounts:', Object.keys(mounts.data ?? {}))
if (status.sealed) process.exit(1)
