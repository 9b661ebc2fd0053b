/**
 * `random(/:source)(/:bytes)`: random bytes from the platform CSPRNG (Vault's `HandleRandomAPI`, shared
 * with `sys/tools/random`). `seal` and `all` are accepted; with no seal entropy source here, both use
 * the platform source (`seal` says so in a warning, as Vault does without entropy augmentation).
 *
 * @module
 */

import type { LogicalResponse } from '../../core/logical.js'
import type { CryptoProvider } from '../../crypto/provider.js'
import type { FieldData } from '../../framework/fields.js'
import { definePath, type PathDefinition } from '../../framework/path.js'
import { genericNameRegex, optionalParamRegex } from '../../framework/patterns.js'
import { toBase64, toHex } from '../../util/encoding.js'
import type { TransitContext } from './context.js'
import { errorResponse } from './errors.js'

/** The largest request (Vault's `random.APIMaxBytes`, 128 KiB). */
export const API_MAX_BYTES = 128 * 1024

const isValidSource = (s: string) => s === '' || s === 'platform' || s === 'seal' || s === 'all'

/** Go's `strconv.Atoi` with its error text. */
function atoi(s: string): number {
  if (!/^[+-]?\d+$/.test(s)) throw new Error(`strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`)
  const n = Number(s)
  if (!Number.isSafeInteger(n))
    throw new Error(`strconv.Atoi: parsing ${JSON.stringify(s)}: value out of range`)
  return n
}

/**
 * Vault's `random.HandleRandomAPI` over parsed fields (`source`, `urlbytes` from the path; `bytes`,
 * `format` from the body).
 *
 * @throws {InvalidRequestError} 400 with Vault's messages.
 * @example
 * ```ts
 * handleRandomApi(crypto, data) // { data: { random_bytes: '…' } }
 * ```
 */
export function handleRandomApi(crypto: CryptoProvider, d: FieldData): LogicalResponse {
  const urlBytes = String(d.raw.urlbytes ?? '')
  const maybeSource = String(d.raw.source ?? '')
  let source = 'platform'
  let bytes: number
  try {
    if (maybeSource === '') {
      bytes = d.get<number>('bytes')
    } else if (urlBytes === '' && isValidSource(maybeSource)) {
      source = maybeSource
      bytes = d.get<number>('bytes')
    } else if (urlBytes === '') {
      bytes = atoi(maybeSource)
    } else {
      source = maybeSource
      bytes = atoi(urlBytes)
    }
  } catch (e) {
    throw errorResponse(`error parsing url-set byte count: ${(e as Error).message}`)
  }
  const format = d.get<string>('format')
  if (bytes < 1) throw errorResponse("'bytes' cannot be less than 1")
  if (bytes > API_MAX_BYTES) throw errorResponse(`'bytes' should be less than ${API_MAX_BYTES}`)
  if (format !== 'hex' && format !== 'base64') {
    throw errorResponse(`unsupported encoding format ${JSON.stringify(format)}; must be "hex" or "base64"`)
  }
  let warning: string | undefined
  switch (source) {
    case '':
    case 'platform':
    case 'all':
      break
    case 'seal':
      warning = 'no seal/entropy augmentation available, using platform entropy source'
      break
    default:
      throw errorResponse(
        `unsupported entropy source ${JSON.stringify(source)}; must be "platform" or "seal", or "all"`,
      )
  }
  const random = crypto.randomBytes(bytes)
  const resp: LogicalResponse = {
    data: { random_bytes: format === 'hex' ? toHex(random) : toBase64(random) },
  }
  if (warning) resp.warnings = [warning]
  return resp
}

/** `random(/:source)(/:bytes)`. */
export function pathRandom(ctx: TransitContext): PathDefinition {
  return definePath({
    pattern: `random(/${genericNameRegex('source')})?${optionalParamRegex('urlbytes')}`,
    fields: {
      urlbytes: { type: 'string', description: 'The number of bytes to generate (POST URL parameter)' },
      bytes: {
        type: 'int',
        default: 32,
        description: 'The number of bytes to generate (POST body parameter). Defaults to 32 (256 bits).',
      },
      format: {
        type: 'string',
        default: 'base64',
        description: 'Encoding format to use. Can be "hex" or "base64". Defaults to "base64".',
      },
      source: {
        type: 'string',
        default: 'platform',
        description: 'Which system to source random data from, ether "platform", "seal", or "all".',
      },
    },
    operations: {
      update: {
        summary: 'Generate random bytes',
        handler: async (_req, d) => handleRandomApi(ctx.crypto, d),
      },
    },
    synopsis: 'Generate random bytes',
    description: 'This function can be used to generate high-entropy random bytes.',
  })
}
