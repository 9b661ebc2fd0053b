/**
 * `datakey/(plaintext|wrapped)/:name`: a fresh random key of 128, 256 or 512 bits, encrypted with the
 * named key — and, on the `plaintext` path, also returned in the clear (Vault's `pathDatakeyWrite`).
 *
 * @module
 */
import { definePath, type PathDefinition } from '../../framework/path.js'
import { genericNameRegex } from '../../framework/patterns.js'
import { encrypt } from './cipher.js'
import { sorted, type TransitContext } from './context.js'
import { ERR_NONCE_NOT_ALLOWED, nonceAllowed } from './encrypt.js'
import { asServerError, errorResponse, TransitUserError } from './errors.js'
import { encodeStd } from './go-base64.js'
import { supportsAssociatedData } from './key-types.js'
import { decodeContext } from './keys.js'

/** `datakey/(plaintext|wrapped)/:name`. */
export function pathDatakey(ctx: TransitContext): PathDefinition {
  return definePath({
    pattern: `datakey/${genericNameRegex('plaintext')}/${genericNameRegex('name')}`,
    fields: {
      name: { type: 'string', description: 'The backend key used for encrypting the data key' },
      plaintext: {
        type: 'string',
        description: `"plaintext" will return the key in both plaintext and ciphertext; "wrapped" will return the ciphertext only.`,
      },
      context: { type: 'string', description: 'Context for key derivation. Required for derived keys.' },
      nonce: {
        type: 'string',
        description: 'Nonce for when convergent encryption v1 is used (only in Vault 0.6.1)',
      },
      bits: {
        type: 'int',
        default: 256,
        description:
          'Number of bits for the key; currently 128, 256, and 512 bits are supported. Defaults to 256.',
      },
      key_version: {
        type: 'int',
        description: 'The version of the Vault key to use for encryption of the data key.',
      },
      associated_data: {
        type: 'string',
        description:
          'When using an AEAD cipher mode, such as AES-GCM, this parameter allows passing associated data (AD/AAD) into the encryption function.',
      },
    },
    operations: {
      update: {
        summary: 'Generate a data key',
        handler: async (req, d) => {
          const mode = d.get<string>('plaintext')
          if (mode !== 'plaintext' && mode !== 'wrapped') {
            throw errorResponse("Invalid path, must be 'plaintext' or 'wrapped'")
          }
          const context = decodeContext(d.get<string>('context'))
          const nonce = d.get<string>('nonce')
          const p = await ctx.keys.get(req.storage, d.get<string>('name'))
          if (!p) throw errorResponse('encryption key not found')
          if (nonce !== '' && !nonceAllowed(p)) throw errorResponse(ERR_NONCE_NOT_ALLOWED)
          const bits = d.get<number>('bits')
          if (bits !== 128 && bits !== 256 && bits !== 512) throw errorResponse('invalid bit length')
          const associatedData = d.get<string>('associated_data')
          if (associatedData !== '' && !supportsAssociatedData(p.type)) {
            throw errorResponse(`'associated_data' provided for non-AEAD cipher suite ${p.type}`)
          }
          const newKey = ctx.crypto.randomBytes(bits / 8)
          const ver = d.get<number>('key_version')
          try {
            const ciphertext = await encrypt(p, ctx.crypto, ver, context, newKey, {
              ...(associatedData !== '' ? { associatedData } : {}),
            })
            return {
              data: sorted({
                ciphertext,
                key_version: ver === 0 ? p.latestVersion : ver,
                ...(mode === 'plaintext' ? { plaintext: encodeStd(newKey) } : {}),
              }),
            }
          } catch (e) {
            if (e instanceof TransitUserError) throw errorResponse(e.message)
            throw asServerError(e)
          } finally {
            newKey.fill(0)
          }
        },
      },
    },
    synopsis: 'Generate a data key',
    description: `This path can be used to generate a data key: a random
key of a certain length that can be used for encryption
and decryption, protected by the named backend key. 128, 256,
or 512 bits can be specified; if not specified, the default
is 256 bits. Call with the the "wrapped" path to prevent the
(base64-encoded) plaintext key from being returned along with
the encrypted key, the "plaintext" path returns both.`,
  })
}
