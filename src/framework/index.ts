/**
 * The backend framework: declare a secrets engine or auth method as paths, typed fields, operations and
 * secret types, as Vault's `sdk/framework` does.
 *
 * @example
 * ```ts
 * import { FrameworkBackend, definePath, genericNameRegex } from 'vaultlet'
 *
 * const backend = new FrameworkBackend({
 *   type: 'hello',
 *   paths: [
 *     definePath({
 *       pattern: `greet/${genericNameRegex('name')}`,
 *       fields: { name: { type: 'string' } },
 *       operations: { read: async (_req, data) => ({ data: { greeting: `hello ${data.get('name')}` } }) },
 *     }),
 *   ],
 * })
 * ```
 *
 * @module
 */
export {
  FrameworkBackend,
  type FrameworkBackendOptions,
  type SecretType,
  secretResponse,
} from './backend.js'
export { formatDuration, parseDuration } from './duration.js'
export {
  defaultOrZero,
  FIELD_TYPES,
  FieldData,
  type FieldSchema,
  type FieldType,
  fieldTypeName,
  zeroValue,
} from './fields.js'
export {
  type CompiledPath,
  compilePath,
  definePath,
  matchPath,
  type OperationDefinition,
  type OperationHandler,
  type PathDefinition,
  type PathOperation,
  pathHelp,
} from './path.js'
export {
  genericNameRegex,
  genericNameWithAtRegex,
  matchAllRegex,
  optionalEndsInSlash,
  optionalGenericNameRegex,
  optionalParamRegex,
} from './patterns.js'
