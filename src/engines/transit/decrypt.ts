/**
 * `decrypt/:name`: decrypts `vault:v<N>:…` ciphertexts — one or a `batch_input` — and answers the
 * base64 plaintext (Vault's `pathDecryptWrite`).
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
  decodeItemContext,
  emptyItem,
  itemCipherOptions,
} from './batch.js'
import { decrypt } from './cipher.js'
import type { TransitContext } from './context.js'
import { CIPHER_FIELDS } from './encrypt.js'
import { errorResponse, isTransitError, serverError, TransitInternalError } from './errors.js'

/** A decrypt batch result (Go's `DecryptBatchResponseItem`: plaintext always present). */
interface DecryptResult {
  plaintext: string
  error?: string
  reference: string
}

/** `decrypt/:name`. */
export function pathDecrypt(ctx: TransitContext): PathDefinition {
  return definePath({
    pattern: `decrypt/${genericNameRegex('name')}`,
    fields: {
      ...CIPHER_FIELDS,
      ciphertext: {
        type: 'string',
        description: 'The ciphertext to decrypt, provided as returned by encrypt.',
      },
    },
    // `batch_input` is a list of objects, which the framework has no field type for.
    takesArbitraryInput: true,
    operations: {
      update: (req, d) => decryptHandler(ctx, req, d),
    },
    synopsis: 'Decrypt a ciphertext value using a named key',
    description: `This path uses the named key from the request path to decrypt a user
provided ciphertext. The plaintext is returned base64 encoded.`,
  })
}

async function decryptHandler(
  ctx: TransitContext,
  req: LogicalRequest,
  d: FieldData,
): Promise<LogicalResponse> {
  const batchRaw = d.raw.batch_input
  const isBatch = batchRaw !== undefined && batchRaw !== null
  let items: BatchItem[]
  if (isBatch) {
    items = decodeBatchItems(batchRaw, { requireCiphertext: true })
    if (items.length === 0) throw errorResponse('missing batch input to process')
  } else {
    const ciphertext = d.get<string>('ciphertext')
    if (ciphertext === '') throw errorResponse('missing ciphertext to decrypt')
    const item = emptyItem()
    item.ciphertext = ciphertext
    item.context = d.get<string>('context')
    item.nonce = d.get<string>('nonce')
    item.associatedData = d.get<string>('associated_data')
    const [ps, hasPs] = d.getOk<string>('padding_scheme')
    if (hasPs) item.paddingScheme = ps!
    items = [item]
  }
  const results: DecryptResult[] = items.map(() => ({ plaintext: '', reference: '' }))
  const contexts: Uint8Array[] = items.map(() => new Uint8Array())
  const contextSet = items[0]!.context !== ''
  let userError = false
  let internalError = false
  for (const [i, item] of items.entries()) {
    if ((item.context === '') === contextSet) {
      throw errorResponse('context should be set either in all the request blocks or in none')
    }
    if (item.ciphertext === '') {
      userError = true
      results[i]!.error = 'missing ciphertext to decrypt'
      continue
    }
    const decoded = decodeItemContext(item)
    if (decoded.error) {
      userError = true
      results[i]!.error = decoded.error
    } else if (decoded.context) contexts[i] = decoded.context
  }
  const p = await ctx.keys.get(req.storage, d.get<string>('name'))
  if (!p) throw errorResponse('encryption key not found')
  let successes = false
  for (const [i, item] of items.entries()) {
    const result = results[i]!
    if (result.error) continue
    // As in Vault: item errors that do not set the batch's error flag.
    const { paddingScheme, error } = itemCipherOptions(p.type, i, item)
    if (error) {
      result.error = error
      continue
    }
    try {
      result.plaintext = await decrypt(p, ctx.crypto, contexts[i]!, item.ciphertext, {
        ...(item.associatedData !== '' ? { associatedData: item.associatedData } : {}),
        ...(paddingScheme ? { paddingScheme } : {}),
      })
      successes = true
    } catch (e) {
      if (e instanceof TransitInternalError) internalError = true
      else if (isTransitError(e)) userError = true
      else throw e
      result.error = e.message
    }
  }
  let resp: LogicalResponse
  if (isBatch) {
    const out = results.map((r, i) => ({
      plaintext: r.plaintext,
      ...(r.error ? { error: r.error } : {}),
      reference: items[i]!.reference,
    }))
    resp = { data: { batch_results: out } }
  } else {
    const only = results[0]!
    if (only.error) {
      if (internalError) throw serverError(only.error)
      throw errorResponse(only.error)
    }
    resp = { data: { plaintext: only.plaintext } }
  }
  return batchRequestResponse(d, resp, successes, userError, internalError)
}
