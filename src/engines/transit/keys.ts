/**
 * `keys/` — list, create, read and delete named keys — and the key-info shape every key endpoint
 * answers with (Vault's `formatKeyPolicy`).
 *
 * @module
 */

import type { LogicalResponse } from '../../core/logical.js'
import type { CryptoProvider } from '../../crypto/provider.js'
import { definePath, type PathDefinition } from '../../framework/path.js'
import { genericNameRegex } from '../../framework/patterns.js'
import { rfc3339, toBase64 } from '../../util/encoding.js'
import { sorted, type TransitContext } from './context.js'
import { asServerError, errorResponse, isTransitError, serverError } from './errors.js'
import { Base64Error, decodeStd } from './go-base64.js'
import { pemEncode } from './key-encoding.js'
import {
  curveName,
  HMAC_MAX_KEY_SIZE,
  HMAC_MIN_KEY_SIZE,
  isAead,
  isEcdsa,
  isKeyType,
  isRsa,
  supportsDerivation,
  supportsEncryption,
  supportsSigning,
} from './key-types.js'
import { getKey } from './operations.js'
import type { Policy } from './policy.js'

/** Vault's help for the keys paths. */
const SYNOPSIS = 'Managed named encryption keys'
const DESCRIPTION = `This path is used to manage the named keys that are available.
Doing a write with no value against a new named key will create
it using a randomly generated key.`

/**
 * Key info as `GET keys/:name` answers (Vault's `formatKeyPolicy`), keys sorted as Go serializes maps.
 * `context` derives the public key of a derived Ed25519 key.
 *
 * @throws {VaultError} 500 when the derived public key cannot be computed.
 * @example
 * ```ts
 * formatKeyPolicy(policy, crypto).data?.latest_version // 2
 * ```
 */
export function formatKeyPolicy(p: Policy, crypto: CryptoProvider, context?: Uint8Array): LogicalResponse {
  const data: Record<string, unknown> = {
    allow_plaintext_backup: p.allowPlaintextBackup,
    auto_rotate_period: p.autoRotatePeriod,
    deletion_allowed: p.deletionAllowed,
    derived: p.derived,
    exportable: p.exportable,
    imported_key: p.imported,
    latest_version: p.latestVersion,
    min_available_version: p.minAvailableVersion,
    min_decryption_version: p.minDecryptionVersion,
    min_encryption_version: p.minEncryptionVersion,
    name: p.name,
    supports_decryption: supportsEncryption(p.type),
    supports_derivation: supportsDerivation(p.type),
    supports_encryption: supportsEncryption(p.type),
    supports_signing: supportsSigning(p.type),
    type: p.type,
  }
  if (p.keySize !== 0) data.key_size = p.keySize
  if (p.imported) data.imported_key_allow_rotation = p.allowImportedKeyRotation
  if (p.backupInfo) data.backup_info = { time: rfc3339(p.backupInfo.time), version: p.backupInfo.version }
  if (p.restoreInfo) data.restore_info = { time: rfc3339(p.restoreInfo.time), version: p.restoreInfo.version }
  if (p.derived) {
    data.kdf = 'hkdf_sha256'
    data.convergent_encryption = p.convergentEncryption
    if (p.convergentEncryption) data.convergent_encryption_version = p.convergentVersion
  }
  const versions = Object.keys(p.keys).sort((a, b) => Number(a) - Number(b))
  if (isAead(p.type)) {
    data.keys = Object.fromEntries(versions.map((v) => [v, Math.floor(p.keys[v]!.time / 1000)]))
  } else if (p.type !== 'hmac') {
    const keys: Record<string, unknown> = {}
    for (const v of versions) {
      const e = p.keys[v]!
      let publicKey = e.publicKey
      let name = p.type
      if (isEcdsa(p.type)) name = curveName(p.type) as typeof name
      if (p.type === 'ed25519' && p.derived) {
        if (!context || context.length === 0) {
          publicKey = ''
        } else {
          try {
            publicKey = toBase64(getKey(p, crypto, context, Number(v), 32).subarray(32, 64))
          } catch (err) {
            throw serverError(
              `failed to derive key to return public component: ${(err as Error).message}`,
              err,
            )
          }
        }
      }
      if (isRsa(p.type)) publicKey = e.rsaPublicKey ? pemEncode('PUBLIC KEY', e.rsaPublicKey) : ''
      keys[v] = {
        certificate_chain: '',
        creation_time: rfc3339(e.time),
        hybrid_public_key: '',
        name,
        public_key: publicKey,
      }
    }
    data.keys = keys
  }
  return { data: sorted(data) }
}

/**
 * Decodes the base64 `context` of a request; an empty string is no context.
 *
 * @throws {InvalidRequestError} 400 `failed to base64-decode context`.
 */
export function decodeContext(raw: string): Uint8Array {
  if (raw === '') return new Uint8Array()
  try {
    return decodeStd(raw)
  } catch (e) {
    if (e instanceof Base64Error) throw errorResponse('failed to base64-decode context')
    throw e
  }
}

/** `LIST keys`. */
export function pathListKeys(_ctx: TransitContext): PathDefinition {
  return definePath({
    pattern: 'keys/?',
    operations: {
      list: async (req) => ({ data: { keys: await req.storage.list('policy/') } }),
    },
    synopsis: SYNOPSIS,
    description: DESCRIPTION,
  })
}

/** `keys/:name`: create (POST), read, delete. */
export function pathKeys(ctx: TransitContext): PathDefinition {
  return definePath({
    pattern: `keys/${genericNameRegex('name')}`,
    fields: {
      name: { type: 'string', description: 'Name of the key' },
      type: { type: 'string', default: 'aes256-gcm96', description: 'The type of key to create.' },
      derived: { type: 'bool', description: 'Enables key derivation mode.' },
      convergent_encryption: { type: 'bool', description: 'Whether to support convergent encryption.' },
      exportable: { type: 'bool', description: 'Enables keys to be exportable.' },
      allow_plaintext_backup: {
        type: 'bool',
        description: 'Enables taking a backup of the named key in plaintext format.',
      },
      context: {
        type: 'string',
        description: 'Base64 encoded context for key derivation (derived public keys).',
      },
      auto_rotate_period: {
        type: 'duration',
        default: 0,
        description: 'Amount of time the key should live before being automatically rotated.',
      },
      key_size: {
        type: 'int',
        default: 0,
        description: 'The key size in bytes for the algorithm. Only applies to HMAC.',
      },
    },
    operations: {
      update: {
        summary: 'Create a key.',
        handler: async (req, d) => {
          const name = d.get<string>('name')
          const derived = d.get<boolean>('derived')
          const convergent = d.get<boolean>('convergent_encryption')
          const type = d.get<string>('type')
          const keySize = d.get<number>('key_size')
          const autoRotatePeriod = d.get<number>('auto_rotate_period')
          if (autoRotatePeriod !== 0 && autoRotatePeriod < 3600) {
            throw errorResponse('auto rotate period must be 0 to disable or at least an hour')
          }
          if (!derived && convergent)
            throw errorResponse('convergent encryption requires derivation to be enabled')
          if (!isKeyType(type)) throw errorResponse(`unknown key type ${type}`)
          if (keySize !== 0) {
            if (type !== 'hmac') throw errorResponse(`key_size is not valid for algorithm ${type}`)
            if (keySize < HMAC_MIN_KEY_SIZE || keySize > HMAC_MAX_KEY_SIZE) {
              throw errorResponse(`invalid key_size ${keySize}`)
            }
          }
          let result: Awaited<ReturnType<typeof ctx.keys.getOrCreate>>
          try {
            result = await ctx.keys.getOrCreate(req.storage, {
              name,
              type,
              derived,
              convergent,
              exportable: d.get<boolean>('exportable'),
              allowPlaintextBackup: d.get<boolean>('allow_plaintext_backup'),
              autoRotatePeriod,
              keySize,
            })
          } catch (e) {
            throw asServerError(e)
          }
          const resp = formatKeyPolicy(result.policy, ctx.crypto)
          if (!result.upserted) resp.warnings = [`key ${name} already existed`]
          return resp
        },
      },
      read: {
        summary: 'Read a key.',
        handler: async (req, d) => {
          const p = await ctx.keys.get(req.storage, d.get<string>('name'))
          if (!p) return null
          return formatKeyPolicy(p, ctx.crypto, decodeContext(d.get<string>('context')))
        },
      },
      delete: {
        summary: 'Delete a key.',
        handler: async (req, d) => {
          const name = d.get<string>('name')
          try {
            await ctx.keys.delete(req.storage, name)
          } catch (e) {
            if (isTransitError(e)) throw errorResponse(`error deleting policy ${name}: ${e.message}`)
            throw e
          }
          return null
        },
      },
    },
    synopsis: SYNOPSIS,
    description: DESCRIPTION,
  })
}
