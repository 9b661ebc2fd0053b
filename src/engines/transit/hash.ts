/**
 * `hash(/:algorithm)`: a SHA-2 or SHA-3 digest of base64 input, in hex or base64 (Vault's
 * `pathHashWrite`).
 *
 * @module
 */

import type { HashName } from '../../crypto/provider.js'
import { definePath, type PathDefinition } from '../../framework/path.js'
import { optionalParamRegex } from '../../framework/patterns.js'
import { toBase64, toHex } from '../../util/encoding.js'
import type { TransitContext } from './context.js'
import { errorResponse } from './errors.js'
import { decodeStd } from './go-base64.js'

const HASH_ALGORITHMS: readonly HashName[] = [
  'sha2-224',
  'sha2-256',
  'sha2-384',
  'sha2-512',
  'sha3-224',
  'sha3-256',
  'sha3-384',
  'sha3-512',
]

/** `hash(/:algorithm)`. */
export function pathHash(ctx: TransitContext): PathDefinition {
  return definePath({
    pattern: `hash${optionalParamRegex('urlalgorithm')}`,
    fields: {
      input: { type: 'string', description: 'The base64-encoded input data' },
      algorithm: {
        type: 'string',
        default: 'sha2-256',
        description: 'Algorithm to use (POST body parameter).',
      },
      urlalgorithm: { type: 'string', description: 'Algorithm to use (POST URL parameter)' },
      format: {
        type: 'string',
        default: 'hex',
        description: 'Encoding format to use. Can be "hex" or "base64". Defaults to "hex".',
      },
    },
    operations: {
      update: {
        summary: 'Generate a hash sum for input data',
        handler: async (_req, d) => {
          const [raw, ok] = d.getOk<string>('input')
          if (!ok) throw errorResponse('input missing')
          const format = d.get<string>('format')
          let algorithm = d.get<string>('urlalgorithm')
          if (algorithm === '') algorithm = d.get<string>('algorithm')
          let input: Uint8Array
          try {
            input = decodeStd(raw!)
          } catch (e) {
            throw errorResponse(`unable to decode input as base64: ${(e as Error).message}`)
          }
          if (format !== 'hex' && format !== 'base64') {
            throw errorResponse(`unsupported encoding format ${format}; must be "hex" or "base64"`)
          }
          if (!(HASH_ALGORITHMS as readonly string[]).includes(algorithm)) {
            throw errorResponse(`unsupported algorithm ${algorithm}`)
          }
          const sum = ctx.crypto.digest(algorithm as HashName, input)
          return { data: { sum: format === 'hex' ? toHex(sum) : toBase64(sum) } }
        },
      },
    },
    synopsis: 'Generate a hash sum for input data',
    description: 'Generates a hash sum of the given algorithm against the given input data.',
  })
}
