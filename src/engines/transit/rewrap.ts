/**
 * `rewrap/:name`: decrypts ciphertexts and encrypts them again with the latest (or a given) key
 * version, inside the vault — the plaintext never leaves it (Vault's `pathRewrapWrite`). A batch
 * always answers 200, with an `error` on each item that failed.
 *
 * @module
 */
import type { LogicalRequest, LogicalResponse } from '../../core/logical.js'
import type { FieldData } from '../../framework/fields.js'
import { definePath, type PathDefinition } from '../../framework/path.js'
import { genericNameRegex } from '../../framework/patterns.js'
import { type BatchItem, decodeBatchItems, decodeItemContext, emptyItem } from './batch.js'
import { decryptBytes, encrypt } from './cipher.js'
import type { TransitContext } from './context.js'
import {
  CIPHER_FIELDS,
  type EncryptResult,
  ERR_NONCE_NOT_ALLOWED,
  nonceAllowed,
  orderEncryptResult,
} from './encrypt.js'
import { asServerError, errorResponse, TransitUserError } from './errors.js'
import { parsePaddingScheme } from './key-types.js'

/** `rewrap/:name`. */
export function pathRewrap(ctx: TransitContext): PathDefinition {
  return definePath({
    pattern: `rewrap/${genericNameRegex('name')}`,
    fields: {
      name: CIPHER_FIELDS.name,
      context: CIPHER_FIELDS.context,
      nonce: CIPHER_FIELDS.nonce,
      key_version: CIPHER_FIELDS.key_version,
      ciphertext: { type: 'string', description: 'Ciphertext value to rewrap' },
      decrypt_padding_scheme: {
        type: 'string',
        description: 'The padding scheme to use for decrypting (RSA keys).',
      },
      encrypt_padding_scheme: {
        type: 'string',
        description: 'The padding scheme to use for re-encrypting (RSA keys).',
      },
    },
    // `batch_input` is a list of objects, which the framework has no field type for.
    takesArbitraryInput: true,
    operations: {
      update: (req, d) => rewrapHandler(ctx, req, d),
    },
    synopsis: 'Rewrap ciphertext',
    description: `After key rotation, this function can be used to rewrap the given ciphertext or
a batch of given ciphertext blocks with the latest version of the named key.
If the given ciphertext is already using the latest version of the key, this
function is a no-op.`,
  })
}

async function rewrapHandler(
  ctx: TransitContext,
  req: LogicalRequest,
  d: FieldData,
): Promise<LogicalResponse> {
  const batchRaw = d.raw.batch_input
  const isBatch = batchRaw !== undefined && batchRaw !== null
  let items: BatchItem[]
  if (isBatch) {
    items = decodeBatchItems(batchRaw)
    if (items.length === 0) throw errorResponse('missing batch input to process')
  } else {
    const ciphertext = d.get<string>('ciphertext')
    if (ciphertext === '') throw errorResponse('missing ciphertext to decrypt')
    const item = emptyItem()
    item.ciphertext = ciphertext
    item.context = d.get<string>('context')
    item.nonce = d.get<string>('nonce')
    item.keyVersion = d.get<number>('key_version')
    const [dps, hasDps] = d.getOk<string>('decrypt_padding_scheme')
    if (hasDps) item.decryptPaddingScheme = dps!
    const [eps, hasEps] = d.getOk<string>('encrypt_padding_scheme')
    if (hasEps) item.encryptPaddingScheme = eps!
    items = [item]
  }
  const results: EncryptResult[] = items.map(() => ({ reference: '' }))
  const contexts: Uint8Array[] = items.map(() => new Uint8Array())
  const contextSet = items[0]!.context !== ''
  for (const [i, item] of items.entries()) {
    if ((item.context === '') === contextSet) {
      throw errorResponse('context should be set either in all the request blocks or in none')
    }
    if (item.ciphertext === '') {
      results[i]!.error = 'missing ciphertext to decrypt'
      continue
    }
    const decoded = decodeItemContext(item)
    if (decoded.error) results[i]!.error = decoded.error
    else if (decoded.context) contexts[i] = decoded.context
  }
  const p = await ctx.keys.get(req.storage, d.get<string>('name'))
  if (!p) throw errorResponse('encryption key not found')
  for (const [i, item] of items.entries()) {
    const result = results[i]!
    if (result.error) continue
    let decryptScheme: 'oaep' | 'pkcs1v15' | undefined
    let encryptScheme: 'oaep' | 'pkcs1v15' | undefined
    try {
      if (item.decryptPaddingScheme !== '')
        decryptScheme = parsePaddingScheme(p.type, item.decryptPaddingScheme)
    } catch (e) {
      result.error = `'[${i}].decrypt_padding_scheme' invalid: ${(e as Error).message}`
      continue
    }
    if (item.nonce !== '' && !nonceAllowed(p)) {
      result.error = ERR_NONCE_NOT_ALLOWED
      continue
    }
    let plaintext: Uint8Array
    try {
      plaintext = await decryptBytes(
        p,
        ctx.crypto,
        contexts[i]!,
        item.ciphertext,
        decryptScheme ? { paddingScheme: decryptScheme } : {},
      )
    } catch (e) {
      // Only user errors stay with the item; anything else fails the whole request, as in Vault.
      if (e instanceof TransitUserError) {
        result.error = e.message
        continue
      }
      throw asServerError(e)
    }
    try {
      if (item.encryptPaddingScheme !== '')
        encryptScheme = parsePaddingScheme(p.type, item.encryptPaddingScheme)
    } catch (e) {
      result.error = `'[${i}].encrypt_padding_scheme' invalid: ${(e as Error).message}`
      continue
    }
    try {
      result.ciphertext = await encrypt(
        p,
        ctx.crypto,
        item.keyVersion,
        contexts[i]!,
        plaintext,
        encryptScheme ? { paddingScheme: encryptScheme } : {},
      )
    } catch (e) {
      if (e instanceof TransitUserError) {
        result.error = e.message
        continue
      }
      throw asServerError(e)
    }
    result.key_version = item.keyVersion === 0 ? p.latestVersion : item.keyVersion
  }
  if (isBatch) {
    for (const [i, item] of items.entries()) results[i]!.reference = item.reference
    return { data: { batch_results: results.map(orderEncryptResult) } }
  }
  const only = results[0]!
  if (only.error) throw errorResponse(only.error)
  return { data: { ciphertext: only.ciphertext, key_version: only.key_version } }
}
