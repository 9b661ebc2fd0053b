/**
 * `export/:type/:name(/:version)`: key material of an exportable key, or public keys of any
 * asymmetric key (Vault's `pathPolicyExportRead`). Formats are Go's defaults: raw keys in base64,
 * ECDSA private keys as `EC PRIVATE KEY` (SEC 1) PEM, RSA private keys as `RSA PRIVATE KEY` (PKCS #1)
 * PEM, public keys as `PUBLIC KEY` PEM (Ed25519: base64).
 *
 * @module
 */
import { definePath, type PathDefinition } from '../../framework/path.js'
import { genericNameRegex, optionalParamRegex } from '../../framework/patterns.js'
import { toBase64 } from '../../util/encoding.js'
import { sorted, type TransitContext } from './context.js'
import { errorResponse, serverError } from './errors.js'
import { ecPrivateKeyDer, ecSpki, pemEncode, rsaPkcs1 } from './key-encoding.js'
import { curveOf, isAead, isEcdsa, isRsa, supportsEncryption, supportsSigning } from './key-types.js'
import { goAtoi } from './operations.js'
import { isPrivateKeyMissing, type KeyEntry, type Policy } from './policy.js'

const EXPORT_TYPES = ['encryption-key', 'signing-key', 'hmac-key', 'public-key', 'certificate-chain'] as const
type ExportType = (typeof EXPORT_TYPES)[number]

function rsaPrivatePem(e: KeyEntry): string {
  if (isPrivateKeyMissing(e) || !e.rsaKey) return ''
  return pemEncode('RSA PRIVATE KEY', rsaPkcs1(e.rsaKey))
}

function rsaPublicPem(e: KeyEntry): string {
  if (!e.rsaPublicKey) throw serverError('requested to encode an RSA public key with no RSA key present')
  return pemEncode('PUBLIC KEY', e.rsaPublicKey)
}

/**
 * One version's material in the export format of `type` (Vault's `getExportKey`).
 *
 * @throws {VaultError} 500 for a combination Vault cannot export.
 */
export function exportKey(p: Policy, e: KeyEntry, type: ExportType): string {
  switch (type) {
    case 'hmac-key':
      return toBase64((p.type === 'hmac' ? e.key : e.hmacKey) ?? new Uint8Array())
    case 'encryption-key':
      if (isAead(p.type)) return toBase64(e.key ?? new Uint8Array())
      if (isRsa(p.type)) return rsaPrivatePem(e)
      break
    case 'signing-key':
      if (isEcdsa(p.type)) {
        if (!e.ecD || !e.ecPoint) return ''
        return pemEncode('EC PRIVATE KEY', ecPrivateKeyDer(curveOf(p.type), e.ecD, e.ecPoint)).trim()
      }
      if (p.type === 'ed25519') return e.key && e.key.length > 0 ? toBase64(e.key) : ''
      if (isRsa(p.type)) return rsaPrivatePem(e)
      break
    case 'public-key':
      if (isEcdsa(p.type)) return pemEncode('PUBLIC KEY', ecSpki(curveOf(p.type), e.ecPoint!)).trim()
      if (p.type === 'ed25519') return e.publicKey.trim()
      if (isRsa(p.type)) return rsaPublicPem(e)
      break
    case 'certificate-chain':
      throw serverError('selected key version does not have a certificate chain imported')
  }
  throw serverError(`unknown key type ${p.type} for export type ${type}`)
}

/** `export/:type/:name(/:version)`. */
export function pathExport(ctx: TransitContext): PathDefinition {
  return definePath({
    pattern: `export/${genericNameRegex('type')}/${genericNameRegex('name')}${optionalParamRegex('version')}`,
    fields: {
      type: {
        type: 'string',
        description: 'Type of key to export (encryption-key, signing-key, hmac-key, public-key)',
      },
      name: { type: 'string', description: 'Name of the key' },
      version: { type: 'string', description: 'Version of the key' },
    },
    operations: {
      read: {
        summary: 'Export named encryption or signing key',
        handler: async (req, d) => {
          const type = d.get<string>('type')
          const version = d.get<string>('version')
          if (!(EXPORT_TYPES as readonly string[]).includes(type)) {
            throw errorResponse(`invalid export type: ${type}`)
          }
          const exportType = type as ExportType
          const p = await ctx.keys.get(req.storage, d.get<string>('name'))
          if (!p) return null
          if (!p.exportable && exportType !== 'public-key' && exportType !== 'certificate-chain') {
            throw errorResponse('private key material is not exportable')
          }
          if (exportType === 'encryption-key' && !supportsEncryption(p.type)) {
            throw errorResponse('encryption not supported for the key')
          }
          if (exportType === 'signing-key' && !supportsSigning(p.type)) {
            throw errorResponse('signing not supported for the key')
          }
          if (exportType === 'certificate-chain' && !supportsSigning(p.type)) {
            throw errorResponse('certificate chain not supported for keys that do not support signing')
          }
          const keys: Record<string, string> = {}
          if (version === '') {
            for (const [v, e] of Object.entries(p.keys)) keys[v] = exportKey(p, e, exportType)
          } else {
            let ver: number | undefined
            if (version === 'latest') ver = p.latestVersion
            else ver = goAtoi(version.startsWith('v') ? version.slice(1) : version)
            if (ver === undefined) throw errorResponse('invalid key version')
            if (ver < p.minDecryptionVersion) {
              throw errorResponse('version for export is below minimum decryption version')
            }
            const e = p.keys[String(ver)]
            if (!e) throw errorResponse('version does not exist or cannot be found')
            keys[String(ver)] = exportKey(p, e, exportType)
          }
          return { data: sorted({ keys, name: p.name, type: p.type }) }
        },
      },
    },
    synopsis: 'Export named encryption or signing key',
    description: `This path is used to export the named keys that are configured as
exportable.`,
  })
}
