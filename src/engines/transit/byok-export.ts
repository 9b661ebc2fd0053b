/**
 * `byok-export/:destination/:source(/:version)`: exports an exportable key wrapped for another
 * system's RSA key, in the same format `keys/:name/import` takes — RSA-OAEP(ephemeral AES-256 key) ‖
 * AES-KWP(key material) — so keys move between clusters without ever being in the clear (Vault's
 * `path_byok.go`). The destination is an RSA key of this mount, typically the other cluster's
 * `wrapping_key` imported as a public key.
 *
 * @module
 */
import type { HashName } from '../../crypto/provider.js'
import { definePath, type PathDefinition } from '../../framework/path.js'
import { genericNameRegex, optionalParamRegex } from '../../framework/patterns.js'
import { sorted, type TransitContext } from './context.js'
import { errorResponse, serverError } from './errors.js'
import { encodeStd } from './go-base64.js'
import { ecPkcs8, ed25519Pkcs8 } from './key-encoding.js'
import { curveOf, isAead, isEcdsa, isRsa, supportsSigning } from './key-types.js'
import { goAtoi } from './operations.js'
import type { KeyEntry, Policy } from './policy.js'

const HASHES: Record<string, HashName> = {
  SHA1: 'sha1',
  SHA224: 'sha2-224',
  SHA256: 'sha2-256',
  SHA384: 'sha2-384',
  SHA512: 'sha2-512',
}

/** The material Vault wraps: raw bytes for symmetric keys, PKCS #8 DER for asymmetric ones. */
function targetMaterial(src: Policy, e: KeyEntry): Uint8Array {
  if (isAead(src.type) || src.type === 'hmac') return e.key ?? new Uint8Array()
  if (isRsa(src.type) && e.rsaKey) return e.rsaKey
  if (isEcdsa(src.type) && e.ecD && e.ecPoint) return ecPkcs8(curveOf(src.type), e.ecD, e.ecPoint)
  if (src.type === 'ed25519' && e.key) return ed25519Pkcs8(e.key.subarray(0, 32))
  throw serverError(`unable to export to unknown key type: ${src.type}`)
}

/** keysutil `Policy.WrapKey` with the destination's latest version. */
async function wrapKey(
  ctx: TransitContext,
  dst: Policy,
  src: Policy,
  e: KeyEntry,
  hashName: string,
): Promise<string> {
  if (!supportsSigning(dst.type)) throw serverError(`message signing not supported for key type ${dst.type}`)
  const dstEntry = dst.keys[String(dst.latestVersion)]
  if (!dstEntry?.rsaPublicKey) throw serverError('unsupported key type in use; must be a rsa key')
  const target = targetMaterial(src, e)
  const hash = HASHES[hashName.toUpperCase()]
  if (!hash) throw serverError(`unknown hash function: ${hashName}`)
  const ephemeral = ctx.crypto.randomBytes(32)
  try {
    const wrappedKey = await ctx.crypto.rsaEncrypt(dstEntry.rsaPublicKey, ephemeral, {
      padding: 'oaep',
      hash,
      label: new Uint8Array(),
    })
    const wrappedTarget = ctx.crypto.aesKeyWrapPad(ephemeral, target)
    const out = new Uint8Array(wrappedKey.length + wrappedTarget.length)
    out.set(wrappedKey, 0)
    out.set(wrappedTarget, wrappedKey.length)
    return encodeStd(out)
  } catch (err) {
    throw serverError(`failed to wrap target key for import: ${(err as Error).message}`, err)
  } finally {
    ephemeral.fill(0)
  }
}

/** `byok-export/:destination/:source(/:version)`. */
export function pathByokExport(ctx: TransitContext): PathDefinition {
  return definePath({
    pattern: `byok-export/${genericNameRegex('destination')}/${genericNameRegex('source')}${optionalParamRegex('version')}`,
    fields: {
      destination: {
        type: 'string',
        description:
          'Destination key to export to; usually the public wrapping key of another Vault instance.',
      },
      source: { type: 'string', description: 'Source key to export; could be any present key within Vault' },
      version: {
        type: 'string',
        description: 'Optional version of the key to export, else all key versions are exported',
      },
      hash: {
        type: 'string',
        default: 'SHA256',
        description: 'Hash function to use for inner OAEP encryption. Defaults to SHA256.',
      },
    },
    operations: {
      read: {
        summary: 'Securely export named encryption or signing key',
        handler: async (req, d) => {
          const dst = await ctx.keys.get(req.storage, d.get<string>('destination'))
          if (!dst) throw serverError('no such destination key to export to')
          const src = await ctx.keys.get(req.storage, d.get<string>('source'))
          if (!src) throw serverError('no such source key for export')
          if (!src.exportable) throw errorResponse('key is not exportable')
          const hash = d.get<string>('hash')
          const version = d.get<string>('version')
          const keys: Record<string, string> = {}
          if (version === '') {
            for (const [v, e] of Object.entries(src.keys)) keys[v] = await wrapKey(ctx, dst, src, e, hash)
          } else {
            const ver =
              version === 'latest'
                ? src.latestVersion
                : goAtoi(version.startsWith('v') ? version.slice(1) : version)
            if (ver === undefined) throw errorResponse('invalid key version')
            if (ver < src.minDecryptionVersion) {
              throw errorResponse('version for export is below minimum decryption version')
            }
            const e = src.keys[String(ver)]
            if (!e) throw errorResponse('version does not exist or cannot be found')
            keys[String(ver)] = await wrapKey(ctx, dst, src, e, hash)
          }
          return { data: sorted({ keys, name: src.name, type: src.type }) }
        },
      },
    },
    synopsis: 'Securely export named encryption or signing key',
    description: `This path is used to export the named keys that are configured as
exportable.

Unlike the regular /export/:name[/:version] paths, this path uses
the same encryption specification /import, allowing secure migration
of keys between clusters to enable workloads to communicate between
them.

Presently this only works for RSA destination keys.`,
  })
}
