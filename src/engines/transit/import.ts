/**
 * Bring your own key: `wrapping_key`, `keys/:name/import` and `keys/:name/import_version` (Vault's
 * `path_wrapping_key.go` / `path_import.go`, keysutil `ImportPublicOrPrivate`).
 *
 * The caller fetches the mount's RSA-4096 wrapping key, generates an ephemeral AES-256 key, wraps it
 * with RSA-OAEP (SHA-256 by default, `hash_function`), wraps the target key with AES-KWP (RFC 5649)
 * under the ephemeral key, and sends `base64(rsaWrapped(512 bytes) ‖ kwpWrapped)` as `ciphertext`.
 * Symmetric targets are raw bytes; asymmetric targets are PKCS #8 DER. `public_key` (PEM) imports only
 * the public half of an asymmetric key; its private half may follow with `import_version`.
 *
 * @module
 */
import type { CryptoProvider, HashName } from '../../crypto/provider.js'
import { rsaPublicFromPkcs8, rsaSpki } from '../../crypto/rsa.js'
import type { FieldData } from '../../framework/fields.js'
import { definePath, type PathDefinition } from '../../framework/path.js'
import { genericNameRegex } from '../../framework/patterns.js'
import type { StorageView } from '../../storage/view.js'
import { toBase64 } from '../../util/encoding.js'
import type { TransitContext } from './context.js'
import { asServerError, errorResponse, serverError, TransitError } from './errors.js'
import { decodeStd } from './go-base64.js'
import { ecSpki, parsePkcs8, parseSpki, pemDecode, pemEncode, rsaSizeOfSpki } from './key-encoding.js'
import {
  aeadKeySize,
  curveName,
  curveOf,
  HMAC_MAX_KEY_SIZE,
  HMAC_MIN_KEY_SIZE,
  isAead,
  isEcdsa,
  isKeyType,
  isRsa,
  type KeyType,
  rsaBitsOf,
  supportsPublicKeyImport,
} from './key-types.js'
import { addVersion, isPrivateKeyMissing, type KeyEntry, type Policy } from './policy.js'

/** The wrapping key's name; it lives at `policy/import/wrapping-key`, as in Vault. */
const WRAPPING_KEY = 'import/wrapping-key'
/** Length of the RSA-OAEP-wrapped ephemeral key at the start of `ciphertext` (RSA-4096). */
const ENCRYPTED_KEY_BYTES = 512

/**
 * The mount's RSA-4096 wrapping key, created on first use.
 *
 * @throws {VaultError} 500 when it cannot be created.
 */
export async function getWrappingKey(ctx: TransitContext, storage: StorageView): Promise<Policy> {
  try {
    return (await ctx.keys.getOrCreate(storage, { name: WRAPPING_KEY, type: 'rsa-4096' })).policy
  } catch (e) {
    throw asServerError(e)
  }
}

/** `wrapping_key`. */
export function pathWrappingKey(ctx: TransitContext): PathDefinition {
  return definePath({
    pattern: 'wrapping_key',
    operations: {
      read: {
        summary: 'Returns the public key to use for wrapping imported keys',
        handler: async (req) => {
          const p = await getWrappingKey(ctx, req.storage)
          const entry = p.keys[String(p.latestVersion)]!
          return { data: { public_key: pemEncode('PUBLIC KEY', entry.rsaPublicKey!) } }
        },
      },
    },
    synopsis: 'Returns the public key to use for wrapping imported keys',
    description:
      'This path is used to retrieve the RSA-4096 wrapping key for wrapping keys that are being imported into transit.',
  })
}

function parseHashFunction(name: string): HashName | undefined {
  const map: Record<string, HashName> = {
    SHA1: 'sha1',
    SHA224: 'sha2-224',
    SHA256: 'sha2-256',
    SHA384: 'sha2-384',
    SHA512: 'sha2-512',
  }
  return map[name.toUpperCase()]
}

/** Go's `%T` of the key `parseFromKey` got. */
function goKeyType(kind: 'rsa' | 'ec' | 'ed25519', isPrivate: boolean): string {
  if (kind === 'ed25519') return isPrivate ? 'ed25519.PrivateKey' : 'ed25519.PublicKey'
  return `*${kind === 'ec' ? 'ecdsa' : 'rsa'}.${isPrivate ? 'PrivateKey' : 'PublicKey'}`
}

/**
 * Builds a key entry from imported material (keysutil `ImportPublicOrPrivate` / `parseFromKey`).
 *
 * @throws {TransitError} with keysutil's messages.
 */
function entryFromMaterial(
  p: Policy,
  crypto: CryptoProvider,
  key: Uint8Array,
  isPrivate: boolean,
  now: number,
): KeyEntry {
  const entry: KeyEntry = { time: now, publicKey: '', convergentVersion: 0 }
  if (p.type !== 'hmac') entry.hmacKey = crypto.randomBytes(32)
  if (p.type === 'ed25519' && p.derived && !isPrivate) {
    throw new TransitError(
      'unable to import only public key for derived Ed25519 key: imported key should not be an Ed25519 key pair but is instead an HKDF key',
    )
  }
  if (isAead(p.type) || p.type === 'hmac') {
    const badSize =
      p.type === 'hmac'
        ? key.length < HMAC_MIN_KEY_SIZE || key.length > HMAC_MAX_KEY_SIZE
        : key.length !== aeadKeySize(p.type)
    if (badSize) throw new TransitError(`invalid key size ${key.length} bytes for key type ${p.type}`)
    entry.key = key.slice()
    if (p.type === 'hmac') {
      p.keySize = key.length
      entry.hmacKey = entry.key
    }
    return entry
  }
  if (isPrivate) {
    let parsed: ReturnType<typeof parsePkcs8>
    try {
      parsed = parsePkcs8(key)
    } catch (e) {
      throw new TransitError(`error parsing asymmetric key: ${(e as Error).message}`)
    }
    const expected = isEcdsa(p.type) ? 'ec' : isRsa(p.type) ? 'rsa' : 'ed25519'
    if (parsed.kind !== expected) {
      throw new TransitError(`invalid key type: expected ${p.type}, got ${goKeyType(parsed.kind, true)}`)
    }
    if (parsed.kind === 'ec') {
      const curve = curveOf(p.type)
      if (parsed.curve !== curve) {
        throw new TransitError(
          `invalid curve: expected ${curveName(p.type)}, got ${curveNameOf(parsed.curve)}`,
        )
      }
      entry.ecD = parsed.d
      entry.ecPoint = crypto.ecdsaPublicKey(curve, parsed.d)
      entry.publicKey = pemEncode('PUBLIC KEY', ecSpki(curve, entry.ecPoint))
    } else if (parsed.kind === 'ed25519') {
      const pub = crypto.ed25519PublicKey(parsed.seed)
      entry.key = new Uint8Array([...parsed.seed, ...pub])
      entry.publicKey = toBase64(pub)
    } else {
      const size = rsaPublicFromPkcs8(parsed.pkcs8).size
      const want = rsaBitsOf(p.type) / 8
      if (size !== want) throw new TransitError(`invalid key size: expected ${want} bytes, got ${size} bytes`)
      entry.rsaKey = parsed.pkcs8
      entry.rsaPublicKey = rsaSpki(rsaPublicFromPkcs8(parsed.pkcs8))
    }
    return entry
  }
  const block = pemDecode(new TextDecoder().decode(key))
  if (!block) throw new TransitError('error parsing public key: not in PEM format')
  let parsed: ReturnType<typeof parseSpki>
  try {
    parsed = parseSpki(block.der)
  } catch (e) {
    throw new TransitError(`error parsing public key: ${(e as Error).message}`)
  }
  const expected = isEcdsa(p.type) ? 'ec' : isRsa(p.type) ? 'rsa' : 'ed25519'
  if (parsed.kind !== expected) {
    throw new TransitError(`invalid key type: expected ${p.type}, got ${goKeyType(parsed.kind, false)}`)
  }
  if (parsed.kind === 'ec') {
    const curve = curveOf(p.type)
    if (parsed.curve !== curve) {
      throw new TransitError(`invalid curve: expected ${curveName(p.type)}, got ${curveNameOf(parsed.curve)}`)
    }
    entry.ecPoint = parsed.point
    entry.publicKey = pemEncode('PUBLIC KEY', ecSpki(curve, parsed.point))
  } else if (parsed.kind === 'ed25519') {
    entry.publicKey = toBase64(parsed.publicKey)
  } else {
    const size = rsaSizeOfSpki(parsed.spki)
    const want = rsaBitsOf(p.type) / 8
    if (size !== want) throw new TransitError(`invalid key size: expected ${want} bytes, got ${size} bytes`)
    entry.rsaPublicKey = parsed.spki
  }
  return entry
}

function curveNameOf(curve: string): string {
  return curve === 'p384' ? 'P-384' : curve === 'p521' ? 'P-521' : 'P-256'
}

const sameBytes = (a?: Uint8Array, b?: Uint8Array) =>
  a !== undefined && b !== undefined && a.length === b.length && a.every((x, i) => x === b[i])

/**
 * Adds the private half to a public-only version (keysutil `ImportPrivateKeyForVersion`).
 *
 * @throws {TransitError} with keysutil's messages.
 */
function importPrivateForVersion(
  p: Policy,
  crypto: CryptoProvider,
  ver: number,
  key: Uint8Array,
  now: number,
) {
  const existing = p.keys[String(ver)]
  if (!existing) throw new TransitError('no such key version')
  const entry = entryFromMaterial(p, crypto, key, true, now)
  const matches = isEcdsa(p.type)
    ? sameBytes(entry.ecPoint, existing.ecPoint)
    : isRsa(p.type)
      ? sameBytes(entry.rsaPublicKey, existing.rsaPublicKey)
      : entry.publicKey === existing.publicKey
  if (!matches) throw new TransitError('cannot import key, key pair does not match')
  p.keys[String(ver)] = {
    ...existing,
    ...entry,
    time: existing.time,
    hmacKey: existing.hmacKey ?? entry.hmacKey,
  }
}

/** keysutil `ImportPublicOrPrivate`: a new version from imported material (or completes the latest). */
function importVersion(p: Policy, crypto: CryptoProvider, key: Uint8Array, isPrivate: boolean, now: number) {
  if (p.latestVersion > 0 && isPrivate) {
    const latest = p.keys[String(p.latestVersion)]
    if (latest && isPrivateKeyMissing(latest)) {
      try {
        importPrivateForVersion(p, crypto, p.latestVersion, key, now)
        return
      } catch {
        // Not the private half of the latest version: import it as a new version instead.
      }
    }
  }
  addVersion(p, entryFromMaterial(p, crypto, key, isPrivate, now))
}

/**
 * The key material a request carries: the unwrapped `ciphertext`, or the `public_key` PEM bytes.
 *
 * @throws {VaultError} 400 for an unknown hash function, 500 for Vault's other failures.
 */
async function extractKey(
  ctx: TransitContext,
  storage: StorageView,
  d: FieldData,
  type: KeyType,
  isPrivate: boolean,
): Promise<Uint8Array> {
  if (!isPrivate) {
    if (!supportsPublicKeyImport(type)) throw serverError('provided type does not support public_key import')
    return new TextEncoder().encode(d.get<string>('public_key'))
  }
  const hashName = d.get<string>('hash_function')
  const hash = parseHashFunction(hashName)
  if (!hash) throw errorResponse(`unknown hash function: ${hashName}`)
  let ciphertext: Uint8Array
  try {
    ciphertext = decodeStd(d.get<string>('ciphertext'))
  } catch (e) {
    throw serverError((e as Error).message)
  }
  if (ciphertext.length <= ENCRYPTED_KEY_BYTES) throw serverError('provided ciphertext is too short')
  const wrapping = await getWrappingKey(ctx, storage)
  const pkcs8 = wrapping.keys[String(wrapping.latestVersion)]!.rsaKey!
  let ephemeral: Uint8Array
  try {
    ephemeral = await ctx.crypto.rsaDecrypt(pkcs8, ciphertext.subarray(0, ENCRYPTED_KEY_BYTES), {
      padding: 'oaep',
      hash,
      label: new Uint8Array(),
    })
  } catch (e) {
    throw serverError((e as Error).message, e)
  }
  try {
    if (ephemeral.length !== 32) throw serverError('expected ephemeral AES key to be 256-bit')
    try {
      return ctx.crypto.aesKeyUnwrapPad(ephemeral, ciphertext.subarray(ENCRYPTED_KEY_BYTES))
    } catch (e) {
      throw serverError((e as Error).message, e)
    }
  } finally {
    ephemeral.fill(0)
  }
}

const importFields = {
  name: { type: 'string', description: 'The name of the key' },
  ciphertext: {
    type: 'string',
    description:
      'The base64-encoded ciphertext of the keys: RSA-OAEP-wrapped AES-256 key ‖ KWP-wrapped target key.',
  },
  public_key: { type: 'string', description: 'The plaintext PEM public key to be imported.' },
  hash_function: {
    type: 'string',
    default: 'SHA256',
    description:
      'The hash function used as a random oracle in the OAEP wrapping of the user-generated, ephemeral AES key.',
  },
} as const

/** `keys/:name/import`. */
export function pathImport(ctx: TransitContext): PathDefinition {
  return definePath({
    pattern: `keys/${genericNameRegex('name')}/import`,
    fields: {
      ...importFields,
      type: { type: 'string', default: 'aes256-gcm96', description: 'The type of key being imported.' },
      exportable: { type: 'bool', description: 'Enables keys to be exportable.' },
      allow_plaintext_backup: {
        type: 'bool',
        description: 'Enables taking a backup of the named key in plaintext format.',
      },
      context: { type: 'string', description: 'Base64 encoded context for key derivation.' },
      auto_rotate_period: {
        type: 'duration',
        default: 0,
        description: 'Amount of time the key should live before being automatically rotated.',
      },
      allow_rotation: {
        type: 'bool',
        description: 'True if the imported key may be rotated within Vault; false otherwise.',
      },
      derived: { type: 'bool', description: 'Enables key derivation mode.' },
      convergent_encryption: { type: 'bool', description: 'Not supported on import.' },
    },
    operations: {
      update: {
        summary: 'Imports an externally-generated key into a new transit key',
        handler: async (req, d) => {
          const name = d.get<string>('name')
          const autoRotatePeriod = d.get<number>('auto_rotate_period')
          const allowRotation = d.get<boolean>('allow_rotation')
          if (Object.hasOwn(d.raw, 'convergent_encryption')) {
            throw serverError('import cannot be used on keys with convergent encryption enabled')
          }
          if (autoRotatePeriod > 0 && !allowRotation) {
            throw serverError('allow_rotation must be set to true if auto-rotation is enabled')
          }
          // As in Vault, which looks up `publicKey` (not `public_key`) here: the both-set refusal never fires.
          const isPrivate = Object.hasOwn(d.raw, 'ciphertext')
          const type = d.get<string>('type').toLowerCase()
          if (!isKeyType(type)) throw errorResponse(`unknown key type: ${d.get<string>('type')}`)
          if (await ctx.keys.get(req.storage, name)) {
            throw serverError(
              'the import path cannot be used with an existing key; use import-version to rotate an existing imported key',
            )
          }
          const key = await extractKey(ctx, req.storage, d, type, isPrivate)
          const derived = d.get<boolean>('derived')
          try {
            await ctx.keys.createImported(
              req.storage,
              {
                name,
                type,
                derived,
                exportable: d.get<boolean>('exportable'),
                allowPlaintextBackup: d.get<boolean>('allow_plaintext_backup'),
                autoRotatePeriod,
                allowImportedKeyRotation: allowRotation,
              },
              async (draft) => {
                importVersion(draft, ctx.crypto, key, isPrivate, ctx.clock.now())
              },
            )
          } catch (e) {
            if (e instanceof TransitError) throw serverError(`error importing key: ${e.message}`, e)
            throw asServerError(e)
          } finally {
            key.fill(0)
          }
          return null
        },
      },
    },
    synopsis: 'Imports an externally-generated key into a new transit key',
    description:
      'This path is used to import an externally-generated key into Vault. The import operation creates a new key and cannot be used to replace an existing key.',
  })
}

/** `keys/:name/import_version`. */
export function pathImportVersion(ctx: TransitContext): PathDefinition {
  return definePath({
    pattern: `keys/${genericNameRegex('name')}/import_version`,
    fields: {
      ...importFields,
      version: {
        type: 'int',
        description:
          "Key version to be updated, if left empty, a new version will be created unless a private key is specified and the 'Latest' key is missing a private key.",
      },
    },
    operations: {
      update: {
        summary: 'Imports an externally-generated key into an existing imported key',
        handler: async (req, d) => {
          const name = d.get<string>('name')
          const isPrivate = Object.hasOwn(d.raw, 'ciphertext')
          const p = await ctx.keys.get(req.storage, name)
          if (!p)
            throw serverError(`no key found with name ${name}; to import a new key, use the import/ endpoint`)
          if (!p.imported)
            throw serverError('the import_version endpoint can only be used with an imported key')
          if (p.convergentEncryption) {
            throw serverError('import_version cannot be used on keys with convergent encryption enabled')
          }
          const key = await extractKey(ctx, req.storage, d, p.type, isPrivate)
          const [version, hasVersion] = d.getOk<number>('version')
          try {
            await ctx.keys.update(req.storage, name, (draft) => {
              const now = ctx.clock.now()
              if (hasVersion) {
                const entry = draft.keys[String(version)]
                if (!entry) throw new TransitError('no such key version')
                if (!supportsPublicKeyImport(draft.type)) {
                  throw new TransitError('provided type does not support importing key versions')
                }
                const missing = isPrivateKeyMissing(entry)
                if (missing && !isPrivate) {
                  throw new TransitError(
                    'cannot add a public key to a key version that already has a public key set',
                  )
                }
                if (!missing) throw new TransitError('private key imported, key version cannot be updated')
                importPrivateForVersion(draft, ctx.crypto, version!, key, now)
              } else {
                importVersion(draft, ctx.crypto, key, isPrivate, now)
              }
            })
          } catch (e) {
            throw asServerError(e)
          } finally {
            key.fill(0)
          }
          return null
        },
      },
    },
    synopsis: 'Imports an externally-generated key into an existing imported key',
    description:
      'This path is used to import a new version of an externally-generated key into an existing import key. The import_version endpoint only supports importing key material into existing imported keys.',
  })
}
