/**
 * `encrypt/:name`: encrypts base64 plaintext — one value or a `batch_input` — and answers
 * `vault:v<N>:…` ciphertexts (Vault's `pathEncryptWrite`). A write to a missing key with the `create`
 * capability creates it (upsert), unless `config/keys` disables upsert.
 *
 * @module
 */
import type { LogicalRequest, LogicalResponse } from '../../core/logical.js'
import type { FieldData } from '../../framework/fields.js'
import { definePath, type PathDefinition } from '../../framework/path.js'
import { genericNameRegex } from '../../framework/patterns.js'
import {
  type BatchItem,
  batchRequestResponse,
  decodeBatchItems,
  emptyItem,
  itemCipherOptions,
} from './batch.js'
import { encrypt } from './cipher.js'
import { readConfigKeys } from './config-keys.js'
import type { TransitContext } from './context.js'
import { asServerError, errorResponse, isTransitError, serverError, TransitInternalError } from './errors.js'
import { decodeStd } from './go-base64.js'
import type { KeyType } from './key-types.js'
import type { Policy } from './policy.js'

/** Vault's `ErrNonceNotAllowed`. */
export const ERR_NONCE_NOT_ALLOWED = 'provided nonce not allowed for this key'

/** Vault's `nonceAllowed`: only legacy (version 1) convergent keys take a caller's nonce. */
export function nonceAllowed(p: Policy): boolean {
  const supported = p.type === 'aes128-gcm96' || p.type === 'aes256-gcm96' || p.type === 'chacha20-poly1305'
  return supported && p.convergentEncryption && p.convergentVersion === 1
}

/** The response item of encrypt / rewrap batches (Go's `EncryptBatchResponseItem` field order). */
export interface EncryptResult {
  ciphertext?: string
  key_version?: number
  error?: string
  reference: string
}

/** Fields shared by the encrypt-like paths. */
export const CIPHER_FIELDS = {
  name: { type: 'string', description: 'Name of the key' },
  context: {
    type: 'string',
    description: 'Base64 encoded context for key derivation. Required if key derivation is enabled',
  },
  nonce: {
    type: 'string',
    description: 'Base64 encoded nonce value. Only for keys created with convergent encryption version 1.',
  },
  key_version: {
    type: 'int',
    description:
      'The version of the key to use for encryption. Must be 0 (for latest) or a value greater than or equal to the min_encryption_version configured on the key.',
  },
  associated_data: {
    type: 'string',
    description:
      'When using an AEAD cipher mode, such as AES-GCM, this parameter allows passing associated data (AD/AAD) into the encryption function.',
  },
  padding_scheme: {
    type: 'string',
    description: "The padding scheme to use for RSA keys: 'oaep' (default) or 'pkcs1v15'.",
  },
  partial_failure_response_code: {
    type: 'int',
    description: 'The HTTP status of a batch where some items failed (instead of 400).',
  },
} as const

/** Decodes a base64 field of an item; the Go error message on failure. */
function decodeField(value: string): Uint8Array | string {
  try {
    return decodeStd(value)
  } catch (e) {
    return (e as Error).message
  }
}

/** Creates the key (upsert) or loads it, per Vault's rules for `create` vs `update`. */
async function policyFor(
  ctx: TransitContext,
  req: LogicalRequest,
  d: FieldData,
  contextSet: boolean,
): Promise<{ policy: Policy | null; upserted: boolean }> {
  const name = d.get<string>('name')
  if (req.operation !== 'create') return { policy: await ctx.keys.get(req.storage, name), upserted: false }
  const convergent = d.get<boolean>('convergent_encryption')
  if (convergent && !contextSet) {
    throw errorResponse('convergent encryption requires derivation to be enabled, so context is required')
  }
  const cfg = await readConfigKeys(req.storage)
  const type = d.get<string>('type')
  const allowed = [
    'aes128-gcm96',
    'aes256-gcm96',
    'chacha20-poly1305',
    'xchacha20-poly1305',
    'rsa-2048',
    'rsa-3072',
    'rsa-4096',
  ]
  if (type.startsWith('ecdsa-') && ['ecdsa-p256', 'ecdsa-p384', 'ecdsa-p521'].includes(type)) {
    throw errorResponse(`key type ${type} not supported for this operation`)
  }
  if (!allowed.includes(type)) throw errorResponse(`unknown key type ${type}`)
  if (cfg.disable_upsert) return { policy: await ctx.keys.get(req.storage, name), upserted: false }
  try {
    return await ctx.keys.getOrCreate(req.storage, {
      name,
      type: type as KeyType,
      derived: contextSet,
      convergent,
    })
  } catch (e) {
    throw asServerError(e)
  }
}

/** `encrypt/:name`. */
export function pathEncrypt(ctx: TransitContext): PathDefinition {
  return definePath({
    pattern: `encrypt/${genericNameRegex('name')}`,
    fields: {
      ...CIPHER_FIELDS,
      plaintext: { type: 'string', description: 'Base64 encoded plaintext value to be encrypted' },
      type: {
        type: 'string',
        default: 'aes256-gcm96',
        description: 'When performing an upsert operation, the type of key to create.',
      },
      convergent_encryption: {
        type: 'bool',
        description: 'When performing an upsert operation, whether to support convergent encryption.',
      },
    },
    // `batch_input` is a list of objects, which the framework has no field type for.
    takesArbitraryInput: true,
    existenceCheck: async (req, d) => (await ctx.keys.get(req.storage, d.get<string>('name'))) !== null,
    operations: {
      create: (req, d) => encryptHandler(ctx, req, d),
      update: (req, d) => encryptHandler(ctx, req, d),
    },
    synopsis: 'Encrypt a plaintext value or a batch of plaintext blocks using a named key',
    description: `This path uses the named key from the request path to encrypt a user provided
plaintext or a batch of plaintext blocks. The plaintext must be base64 encoded.`,
  })
}

async function encryptHandler(
  ctx: TransitContext,
  req: LogicalRequest,
  d: FieldData,
): Promise<LogicalResponse> {
  const batchRaw = d.raw.batch_input
  const isBatch = batchRaw !== undefined && batchRaw !== null
  let items: BatchItem[]
  if (isBatch) {
    items = decodeBatchItems(batchRaw, { requirePlaintext: true })
    if (items.length === 0) throw errorResponse('missing batch input to process')
  } else {
    const [plaintext, ok] = d.getOk<string>('plaintext')
    if (!ok) throw errorResponse('missing plaintext to encrypt')
    const item = emptyItem()
    item.plaintext = plaintext!
    item.context = d.get<string>('context')
    item.nonce = d.get<string>('nonce')
    item.keyVersion = d.get<number>('key_version')
    item.associatedData = d.get<string>('associated_data')
    const [ps, hasPs] = d.getOk<string>('padding_scheme')
    if (hasPs) item.paddingScheme = ps!
    items = [item]
  }
  const results: EncryptResult[] = items.map(() => ({ reference: '' }))
  const contexts: Uint8Array[] = items.map(() => new Uint8Array())
  const plaintexts: Uint8Array[] = items.map(() => new Uint8Array())
  const contextSet = items[0]!.context !== ''
  let userError = false
  let internalError = false
  for (const [i, item] of items.entries()) {
    if ((item.context === '') === contextSet) {
      throw errorResponse('context should be set either in all the request blocks or in none')
    }
    const checked = decodeField(item.plaintext)
    if (typeof checked === 'string') {
      userError = true
      results[i]!.error = checked
      continue
    }
    plaintexts[i] = checked
    if (item.context !== '') {
      const c = decodeField(item.context)
      if (typeof c === 'string') {
        userError = true
        results[i]!.error = c
        continue
      }
      contexts[i] = c
    }
    if (item.nonce !== '') {
      const n = decodeField(item.nonce)
      if (typeof n === 'string') {
        userError = true
        results[i]!.error = n
      }
    }
  }
  const { policy: p, upserted } = await policyFor(ctx, req, d, contextSet)
  if (!p) throw errorResponse('encryption key not found')
  let successes = false
  for (const [i, item] of items.entries()) {
    const result = results[i]!
    if (result.error) {
      userError = true
      continue
    }
    if (item.nonce !== '' && !nonceAllowed(p)) {
      userError = true
      result.error = ERR_NONCE_NOT_ALLOWED
      continue
    }
    // As in Vault: item errors that do not set the batch's error flag.
    const { paddingScheme, error } = itemCipherOptions(p.type, i, item)
    if (error) {
      result.error = error
      continue
    }
    try {
      result.ciphertext = await encrypt(p, ctx.crypto, item.keyVersion, contexts[i]!, plaintexts[i]!, {
        ...(item.associatedData !== '' ? { associatedData: item.associatedData } : {}),
        ...(paddingScheme ? { paddingScheme } : {}),
      })
    } catch (e) {
      if (e instanceof TransitInternalError) internalError = true
      else if (isTransitError(e)) userError = true
      else throw e
      result.error = (e as Error).message
      continue
    }
    successes = true
    result.key_version = item.keyVersion === 0 ? p.latestVersion : item.keyVersion
  }
  let resp: LogicalResponse
  if (isBatch) {
    for (const [i, item] of items.entries()) results[i]!.reference = item.reference
    resp = { data: { batch_results: results.map(orderEncryptResult) } }
  } else {
    const only = results[0]!
    if (only.error) {
      if (internalError) throw serverError(only.error)
      throw errorResponse(only.error)
    }
    resp = { data: { ciphertext: only.ciphertext, key_version: only.key_version } }
  }
  if (req.operation === 'create' && !upserted) {
    resp.warnings = [
      'Attempted creation of the key during the encrypt operation, but it was created beforehand',
    ]
  }
  return batchRequestResponse(d, resp, successes, userError, internalError)
}

/** Go's struct order with `omitempty`: ciphertext, key_version, error, then reference (always). */
export function orderEncryptResult(r: EncryptResult): EncryptResult {
  return {
    ...(r.ciphertext ? { ciphertext: r.ciphertext } : {}),
    ...(r.key_version ? { key_version: r.key_version } : {}),
    ...(r.error ? { error: r.error } : {}),
    reference: r.reference,
  }
}
