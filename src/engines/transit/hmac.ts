/**
 * `hmac/:name(/:algorithm)` and HMAC verification (reached through `verify/:name` with an `hmac`
 * field): every key version carries an independent HMAC key — the `hmac` key type's key is the HMAC
 * key itself — so any key can MAC (Vault's `path_hmac.go`). HMACs read `vault:v<N>:<base64>`.
 *
 * @module
 */
import type { LogicalRequest, LogicalResponse } from '../../core/logical.js'
import type { HashName } from '../../crypto/provider.js'
import type { FieldData } from '../../framework/fields.js'
import { definePath, type PathDefinition } from '../../framework/path.js'
import { genericNameRegex, optionalParamRegex } from '../../framework/patterns.js'
import { decodeStringMaps } from './batch.js'
import type { TransitContext } from './context.js'
import { errorResponse, isTransitError } from './errors.js'
import { decodeStd, encodeStd } from './go-base64.js'
import { parseHashType } from './key-types.js'
import { goAtoi, hmacKeyOf } from './operations.js'

/**
 * Vault's message for an unknown algorithm, which prints the zero `HashType` it looked up with `%q`.
 */
const UNSUPPORTED_ALGORITHM = "unsupported algorithm '\\x00'"

/** The hash for an HMAC; `none` cannot MAC. */
function hmacHash(algorithm: string): HashName | undefined {
  const h = parseHashType(algorithm)
  return h === undefined || h === 'none' ? undefined : h
}

interface HmacResult {
  hmac?: string
  valid?: boolean
  error?: string
  reference: string
}

/** Go's struct order with `omitempty` (a `false` valid is omitted too). */
function orderResult(r: HmacResult): Record<string, unknown> {
  return {
    ...(r.hmac ? { hmac: r.hmac } : {}),
    ...(r.valid ? { valid: r.valid } : {}),
    ...(r.error ? { error: r.error } : {}),
    reference: r.reference,
  }
}

function single(r: HmacResult, key: 'hmac' | 'valid'): LogicalResponse {
  if (r.error) throw errorResponse(r.error)
  return { data: { [key]: key === 'hmac' ? r.hmac : Boolean(r.valid) } }
}

/** `hmac/:name(/:algorithm)`. */
export function pathHmac(ctx: TransitContext): PathDefinition {
  return definePath({
    pattern: `hmac/${genericNameRegex('name')}${optionalParamRegex('urlalgorithm')}`,
    fields: {
      name: { type: 'string', description: 'The key to use for the HMAC function' },
      input: { type: 'string', description: 'The base64-encoded input data' },
      algorithm: {
        type: 'string',
        default: 'sha2-256',
        description: 'Algorithm to use (POST body parameter).',
      },
      urlalgorithm: { type: 'string', description: 'Algorithm to use (POST URL parameter)' },
      key_version: {
        type: 'int',
        description:
          'The version of the key to use for generating the HMAC. Must be 0 (for latest) or a value greater than or equal to the min_encryption_version configured on the key.',
      },
    },
    // `batch_input` is a list of objects, which the framework has no field type for.
    takesArbitraryInput: true,
    operations: {
      update: {
        summary: 'Generate an HMAC for input data using the named key',
        handler: (req, d) => hmacWrite(ctx, req, d),
      },
    },
    synopsis: 'Generate an HMAC for input data using the named key',
    description: 'Generates an HMAC sum of the given algorithm and key against the given input data.',
  })
}

async function hmacWrite(ctx: TransitContext, req: LogicalRequest, d: FieldData): Promise<LogicalResponse> {
  let ver = d.get<number>('key_version')
  let algorithm = d.get<string>('urlalgorithm')
  if (algorithm === '') algorithm = d.get<string>('algorithm')
  const p = await ctx.keys.get(req.storage, d.get<string>('name'))
  if (!p) throw errorResponse('encryption key not found')
  if (ver === 0) ver = p.latestVersion
  else if (ver !== p.latestVersion && p.minEncryptionVersion > 0 && ver < p.minEncryptionVersion) {
    throw errorResponse('cannot generate HMAC: version is too old (disallowed by policy)')
  }
  let key: Uint8Array
  try {
    key = hmacKeyOf(p, ver)
  } catch (e) {
    if (isTransitError(e)) throw errorResponse(e.message)
    throw e
  }
  const hash = hmacHash(algorithm)
  if (!hash) throw errorResponse(UNSUPPORTED_ALGORITHM)
  const batchRaw = d.raw.batch_input
  const isBatch = batchRaw !== undefined && batchRaw !== null
  let items: Record<string, string>[]
  if (isBatch) {
    items = decodeStringMaps(batchRaw)
    if (items.length === 0) throw errorResponse('missing batch input to process')
  } else {
    const [input, ok] = d.getOk<string>('input')
    if (!ok) throw errorResponse('missing input for HMAC')
    items = [{ input: input! }]
  }
  const results = items.map((item): HmacResult => {
    const reference = item.reference ?? ''
    if (item.input === undefined) return { error: 'missing input for HMAC', reference }
    let input: Uint8Array
    try {
      input = decodeStd(item.input)
    } catch (e) {
      return { error: `unable to decode input as base64: ${(e as Error).message}`, reference }
    }
    return { hmac: `vault:v${ver}:${encodeStd(ctx.crypto.hmac(hash, key, input))}`, reference }
  })
  if (isBatch) return { data: { batch_results: results.map(orderResult) } }
  return single(results[0]!, 'hmac')
}

/**
 * HMAC verification (Vault's `pathHMACVerify`), for `verify/:name` requests carrying `hmac`.
 *
 * @throws {VaultError} 400 with Vault's messages.
 */
export async function hmacVerify(
  ctx: TransitContext,
  req: LogicalRequest,
  d: FieldData,
): Promise<LogicalResponse> {
  let algorithm = d.get<string>('urlalgorithm')
  if (algorithm === '') {
    const [hashAlgorithm, hasHash] = d.getOk<string>('hash_algorithm')
    const [legacy, hasLegacy] = d.getOk<string>('algorithm')
    algorithm = hasHash ? hashAlgorithm! : hasLegacy ? legacy! : d.get<string>('hash_algorithm')
  }
  const p = await ctx.keys.get(req.storage, d.get<string>('name'))
  if (!p) throw errorResponse('encryption key not found')
  const hash = hmacHash(algorithm)
  if (!hash) throw errorResponse(UNSUPPORTED_ALGORITHM)
  const batchRaw = d.raw.batch_input
  const isBatch = batchRaw !== undefined && batchRaw !== null
  let items: Record<string, string>[]
  if (isBatch) {
    items = decodeStringMaps(batchRaw)
    if (items.length === 0) throw errorResponse('missing batch input to process')
  } else {
    items = [{ input: d.get<string>('input'), hmac: d.get<string>('hmac') }]
  }
  const results = items.map((item): HmacResult => {
    const reference = item.reference ?? ''
    const fail = (error: string): HmacResult => ({ error, reference })
    if (item.input === undefined) return fail('missing input')
    let input: Uint8Array
    try {
      input = decodeStd(item.input)
    } catch (e) {
      return fail(`unable to decode input as base64: ${(e as Error).message}`)
    }
    const mac = item.hmac
    if (mac === undefined) return fail('missing hmac')
    if (!mac.startsWith('vault:v')) return fail('invalid HMAC to verify: no prefix')
    const tail = mac.slice('vault:v'.length)
    const colon = tail.indexOf(':')
    if (colon < 0) return fail('invalid HMAC: wrong number of fields')
    const ver = goAtoi(tail.slice(0, colon))
    if (ver === undefined) return fail('invalid HMAC: version number could not be decoded')
    let given: Uint8Array
    try {
      given = decodeStd(tail.slice(colon + 1))
    } catch (e) {
      return fail(`unable to decode verification HMAC as base64: ${(e as Error).message}`)
    }
    if (ver > p.latestVersion) return fail('invalid HMAC: version is too new')
    if (p.minDecryptionVersion > 0 && ver < p.minDecryptionVersion) {
      return fail('cannot verify HMAC: version is too old (disallowed by policy)')
    }
    let key: Uint8Array
    try {
      key = hmacKeyOf(p, ver)
    } catch (e) {
      if (isTransitError(e)) return fail(e.message)
      throw e
    }
    const expected = ctx.crypto.hmac(hash, key, input)
    return { valid: ctx.crypto.timingSafeEqual(expected, given), reference }
  })
  if (isBatch) return { data: { batch_results: results.map(orderResult) } }
  return single(results[0]!, 'valid')
}
