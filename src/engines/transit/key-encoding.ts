/**
 * Key containers as Go's `crypto/x509` and `encoding/pem` write and read them, for key info, export and
 * import: PEM blocks, SubjectPublicKeyInfo, PKCS #8, SEC 1 `ECPrivateKey` and PKCS #1 `RSAPrivateKey`.
 *
 * @module
 */
import {
  bigintToBytes,
  bytesToBigint,
  DerError,
  derBitString,
  derInt,
  derOid,
  derUnsigned,
  oidToString,
  readAll,
  readTlv,
  seq,
  TAG,
  tlv,
} from '../../crypto/der.js'
import { ECDSA_SIZES } from '../../crypto/ecdsa.js'
import type { EcdsaCurve } from '../../crypto/provider.js'
import { rsaPkcs1FromPkcs8, rsaPkcs8FromPkcs1, rsaPublicFromSpki, rsaSpki } from '../../crypto/rsa.js'
import { fromBase64, toBase64 } from '../../util/encoding.js'

const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1'
const OID_ED25519 = '1.3.101.112'
const OID_RSA = '1.2.840.113549.1.1.1'
const OID_RSA_PSS = '1.2.840.113549.1.1.10'
const CURVE_OIDS: Record<EcdsaCurve, string> = {
  p256: '1.2.840.10045.3.1.7',
  p384: '1.3.132.0.34',
  p521: '1.3.132.0.35',
}
const CURVE_BY_OID = new Map(Object.entries(CURVE_OIDS).map(([c, o]) => [o, c as EcdsaCurve]))

/**
 * Go's `pem.EncodeToMemory`: base64 in 64-column lines, with a trailing newline.
 *
 * @example
 * ```ts
 * pemEncode('PUBLIC KEY', spki) // '-----BEGIN PUBLIC KEY-----\nMFkw…\n-----END PUBLIC KEY-----\n'
 * ```
 */
export function pemEncode(type: string, der: Uint8Array): string {
  const b64 = toBase64(der)
  let body = ''
  for (let i = 0; i < b64.length; i += 64) body += `${b64.slice(i, i + 64)}\n`
  return `-----BEGIN ${type}-----\n${body}-----END ${type}-----\n`
}

/**
 * The first PEM block in `text` (Go's `pem.Decode`, headers not supported), or `null`.
 *
 * @example
 * ```ts
 * pemDecode(publicKeyPem)?.type // 'PUBLIC KEY'
 * ```
 */
export function pemDecode(text: string): { type: string; der: Uint8Array } | null {
  const m = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)\r?\n?-----END \1-----/.exec(text)
  if (!m) return null
  const der = fromBase64(m[2]!.replace(/\s+/g, ''), true)
  return der ? { type: m[1]!, der } : null
}

/** SubjectPublicKeyInfo of an uncompressed EC point. */
export function ecSpki(curve: EcdsaCurve, point: Uint8Array): Uint8Array {
  return seq(seq(derOid(OID_EC_PUBLIC_KEY), derOid(CURVE_OIDS[curve])), derBitString(point))
}

/**
 * SEC 1 `ECPrivateKey` as Go's `x509.MarshalECPrivateKey` writes it (curve OID and public key
 * included); with `withCurve: false`, the form PKCS #8 embeds.
 */
export function ecPrivateKeyDer(
  curve: EcdsaCurve,
  d: Uint8Array,
  point: Uint8Array,
  withCurve = true,
): Uint8Array {
  return seq(
    derInt(1n),
    tlv(TAG.OCTET_STRING, d),
    ...(withCurve ? [tlv(0xa0, derOid(CURVE_OIDS[curve]))] : []),
    tlv(0xa1, derBitString(point)),
  )
}

/**
 * PKCS #8 of an EC private key, as Go's `x509.MarshalPKCS8PrivateKey` writes it.
 *
 * @example
 * ```ts
 * ecPkcs8('p256', d, point)
 * ```
 */
export function ecPkcs8(curve: EcdsaCurve, d: Uint8Array, point: Uint8Array): Uint8Array {
  return seq(
    derInt(0n),
    seq(derOid(OID_EC_PUBLIC_KEY), derOid(CURVE_OIDS[curve])),
    tlv(TAG.OCTET_STRING, ecPrivateKeyDer(curve, d, point, false)),
  )
}

/**
 * PKCS #8 of an Ed25519 seed (RFC 8410), as Go writes it.
 *
 * @example
 * ```ts
 * ed25519Pkcs8(seed)
 * ```
 */
export function ed25519Pkcs8(seed: Uint8Array): Uint8Array {
  return seq(derInt(0n), seq(derOid(OID_ED25519)), tlv(TAG.OCTET_STRING, tlv(TAG.OCTET_STRING, seed)))
}

/** A parsed private key from PKCS #8. */
export type ParsedPrivateKey =
  | { kind: 'rsa'; pkcs8: Uint8Array }
  | { kind: 'ec'; curve: EcdsaCurve; d: Uint8Array; point?: Uint8Array }
  | { kind: 'ed25519'; seed: Uint8Array }

/** A parsed public key from SubjectPublicKeyInfo. */
export type ParsedPublicKey =
  | { kind: 'rsa'; spki: Uint8Array }
  | { kind: 'ec'; curve: EcdsaCurve; point: Uint8Array }
  | { kind: 'ed25519'; publicKey: Uint8Array }

function padScalar(curve: EcdsaCurve, d: Uint8Array): Uint8Array {
  const size = ECDSA_SIZES[curve]
  if (d.length > size) {
    const v = bytesToBigint(d)
    return bigintToBytes(v, size)
  }
  const out = new Uint8Array(size)
  out.set(d, size - d.length)
  return out
}

/**
 * Parses a PKCS #8 private key: RSA (rsaEncryption or id-RSASSA-PSS), EC on P-256/384/521, or
 * Ed25519 (RFC 8410).
 *
 * @throws {DerError} on anything else or malformed DER.
 * @example
 * ```ts
 * parsePkcs8(der).kind // 'ec'
 * ```
 */
export function parsePkcs8(der: Uint8Array): ParsedPrivateKey {
  const outer = readTlv(der, TAG.SEQUENCE)
  if (outer.rest.length !== 0) throw new DerError('trailing data')
  const [version, algorithm, key] = readAll(outer.content)
  if (!version || version.tag !== TAG.INTEGER || !algorithm || algorithm.tag !== TAG.SEQUENCE || !key) {
    throw new DerError('not a PKCS #8 private key')
  }
  if (key.tag !== TAG.OCTET_STRING) throw new DerError('not a PKCS #8 private key')
  const [oid, params] = readAll(algorithm.content)
  const algOid = oid && oid.tag === TAG.OID ? oidToString(oid.content) : ''
  if (algOid === OID_RSA || algOid === OID_RSA_PSS) {
    // Normalize to rsaEncryption, as Go hands back an *rsa.PrivateKey either way.
    return { kind: 'rsa', pkcs8: rsaPkcs8FromPkcs1(rsaPkcs1FromPkcs8(der)) }
  }
  if (algOid === OID_ED25519) {
    const seed = readTlv(key.content, TAG.OCTET_STRING).content
    if (seed.length !== 32) throw new DerError('invalid Ed25519 private key length')
    return { kind: 'ed25519', seed: new Uint8Array(seed) }
  }
  if (algOid === OID_EC_PUBLIC_KEY) {
    const curveOid = params && params.tag === TAG.OID ? oidToString(params.content) : ''
    const curve = CURVE_BY_OID.get(curveOid)
    if (!curve) throw new DerError('x509: unknown elliptic curve')
    const ec = readAll(readTlv(key.content, TAG.SEQUENCE).content)
    const priv = ec[1]
    if (!priv || priv.tag !== TAG.OCTET_STRING) throw new DerError('invalid EC private key')
    const pubTag = ec.find((t) => t.tag === 0xa1)
    const point = pubTag ? readTlv(pubTag.content, TAG.BIT_STRING).content.subarray(1) : undefined
    return {
      kind: 'ec',
      curve,
      d: padScalar(curve, priv.content),
      ...(point ? { point: new Uint8Array(point) } : {}),
    }
  }
  throw new DerError('x509: PKCS#8 wrapping contained private key with unknown algorithm')
}

/**
 * Parses a SubjectPublicKeyInfo: RSA, EC on P-256/384/521, or Ed25519.
 *
 * @throws {DerError} on anything else or malformed DER.
 * @example
 * ```ts
 * parseSpki(pemDecode(pem)!.der).kind // 'rsa'
 * ```
 */
export function parseSpki(der: Uint8Array): ParsedPublicKey {
  const outer = readTlv(der, TAG.SEQUENCE)
  if (outer.rest.length !== 0) throw new DerError('trailing data')
  const [algorithm, key] = readAll(outer.content)
  if (!algorithm || algorithm.tag !== TAG.SEQUENCE || !key || key.tag !== TAG.BIT_STRING) {
    throw new DerError('not a SubjectPublicKeyInfo')
  }
  const [oid, params] = readAll(algorithm.content)
  const algOid = oid && oid.tag === TAG.OID ? oidToString(oid.content) : ''
  const bits = key.content.subarray(1)
  if (algOid === OID_RSA || algOid === OID_RSA_PSS) {
    const pub = rsaPublicFromSpki(der)
    return { kind: 'rsa', spki: rsaSpki(pub) }
  }
  if (algOid === OID_ED25519) {
    if (bits.length !== 32) throw new DerError('invalid Ed25519 public key length')
    return { kind: 'ed25519', publicKey: new Uint8Array(bits) }
  }
  if (algOid === OID_EC_PUBLIC_KEY) {
    const curve = CURVE_BY_OID.get(params && params.tag === TAG.OID ? oidToString(params.content) : '')
    if (!curve) throw new DerError('x509: unsupported elliptic curve')
    return { kind: 'ec', curve, point: new Uint8Array(bits) }
  }
  throw new DerError('x509: unknown public key algorithm')
}

/**
 * The modulus size in bytes of an RSA SubjectPublicKeyInfo.
 *
 * @example
 * ```ts
 * rsaSizeOfSpki(spki) // 256
 * ```
 */
export function rsaSizeOfSpki(spki: Uint8Array): number {
  return rsaPublicFromSpki(spki).size
}

/** The PKCS #1 `RSAPrivateKey` of a PKCS #8 RSA key (for Go's default "RSA PRIVATE KEY" export). */
export const rsaPkcs1 = rsaPkcs1FromPkcs8

/** Strict unsigned INTEGER content (re-exported for signature parsing). */
export { derUnsigned }
