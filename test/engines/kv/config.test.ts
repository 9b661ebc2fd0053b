// KV v2 engine configuration (api-docs/secret/kv/kv-v2: "Configure the KV engine", "Read KV engine
// configuration"; Vault's path_config.go).
import { describe, expect, it } from 'vitest'
import { call, errorBody, kvV2, policyToken, raw } from './helpers.js'

describe('KV v2 config (api-docs/secret/kv/kv-v2)', () => {
  it('reads the defaults of a new mount', async () => {
    const vault = await kvV2()
    expect((await call(vault, 'GET', 'secret/config')).data).toEqual({
      cas_required: false,
      delete_version_after: '0s',
      max_versions: 0,
    })
  })

  it('writes max_versions, cas_required and delete_version_after (204), read back as Go durations', async () => {
    const vault = await kvV2()
    expect(
      await raw(vault, 'POST', 'secret/config', {
        max_versions: 5,
        cas_required: true,
        delete_version_after: '3h25m19s',
      }),
    ).toEqual({ status: 204, body: null })
    expect((await call(vault, 'GET', 'secret/config')).data).toEqual({
      cas_required: true,
      delete_version_after: '3h25m19s',
      max_versions: 5,
    })
    // Fields left out keep their value.
    await call(vault, 'POST', 'secret/config', { max_versions: 7 })
    expect((await call(vault, 'GET', 'secret/config')).data).toMatchObject({
      cas_required: true,
      max_versions: 7,
    })
  })

  it('a negative delete_version_after disables it (shown as -1s); zero clears it', async () => {
    const vault = await kvV2()
    await call(vault, 'POST', 'secret/config', { delete_version_after: '-5m' })
    expect((await call(vault, 'GET', 'secret/config')).data?.delete_version_after).toBe('-1s')
    await call(vault, 'POST', 'secret/config', { delete_version_after: 0 })
    expect((await call(vault, 'GET', 'secret/config')).data?.delete_version_after).toBe('0s')
  })

  it('a bad field value is a 400 field validation error', async () => {
    const vault = await kvV2()
    const res = await raw(vault, 'POST', 'secret/config', { max_versions: 'many' })
    expect(res.status).toBe(400)
    expect((res.body!.errors as string[])[0]).toMatch(
      /^Field validation failed: error converting input for field "max_versions"/,
    )
  })

  it('has no existence check: writes always need update, never create', async () => {
    const vault = await kvV2()
    const create = await policyToken(vault, 'c', 'path "secret/config" { capabilities = ["create", "read"] }')
    const update = await policyToken(vault, 'u', 'path "secret/config" { capabilities = ["update"] }')
    expect(await raw(vault, 'POST', 'secret/config', { max_versions: 2 }, create)).toEqual(
      errorBody(403, '1 error occurred:\n\t* permission denied\n\n'),
    )
    expect((await raw(vault, 'POST', 'secret/config', { max_versions: 2 }, update)).status).toBe(204)
  })
})
