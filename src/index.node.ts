/**
 * The Node entry of `vaultlet` (selected by the `node` export condition): the same API as the
 * runtime-neutral entry, with `node:crypto` (AES-NI, constant time) as the default crypto provider.
 *
 * @module
 */
import { registerDefaultAuditDeviceType } from './audit/devices.js'
import { fileDeviceType } from './audit/file.js'
import { setDefaultCrypto } from './crypto/index.js'
import { nodeCrypto } from './crypto/node.js'

setDefaultCrypto(nodeCrypto)
registerDefaultAuditDeviceType('file', fileDeviceType)

export * from './index.js'
export { nodeCrypto }
