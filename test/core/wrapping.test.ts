// Response wrapping (docs/concepts/response-wrapping, api-docs/system/wrapping-*).
import { describe, expect, it } from 'vitest'
import { Vault } from '../../src/index.node.js'

describe('response wrapping', () => {
  it('wraps any response: wrap_info only, the data is in a single-use token', async () => {
    const vault = await Vault.dev({ rootToken: 'root' })
    const res = await vault.handle({ method: 'GET', path: 'sys/key-status', token: 'root', wrapTtl: '5m' })
    expect(res.status).toBe(200)
    const body = res.body as Record<string, unknown> & { wrap_info: Record<string, unknown> }
    expect(Object.keys(body)).toEqual([
      'request_id',
      'lease_id',
      'renewable',
      'lease_duration',
      'data',
      'wrap_info',
      'warnings',
      'auth',
      'mount_type',
    ])
    expect(body.data).toBeNull()
    expect(body.wrap_info).toMatchObject({ ttl: 300, creation_path: 'sys/key-status' })
    expect(body.wrap_info.token).toMatch(/^hvs\./)

    const unwrapped = await vault.request({
      method: 'POST',
      path: 'sys/wrapping/unwrap',
      token: body.wrap_info.token as string,
    })
    expect(unwrapped.data).toMatchObject({ term: 1 })
    // Single use.
    const again = await vault.handle({
      method: 'POST',
      path: 'sys/wrapping/unwrap',
      token: body.wrap_info.token as string,
    })
    expect(again).toEqual({
      status: 400,
      body: { errors: ['wrapping token is not valid or does not exist'] },
    })
  })

  it('unwrap by body token with another token; a used token is "not valid or does not exist"', async () => {
    const vault = await Vault.dev({ rootToken: 'root' })
    const wrapped = await vault.request({
      method: 'POST',
      path: 'sys/wrapping/wrap',
      data: { k: 'v' },
      token: 'root',
      wrapTtl: 60,
    })
    const token = wrapped.wrap_info!.token
    const first = await vault.request({
      method: 'POST',
      path: 'sys/wrapping/unwrap',
      data: { token },
      token: 'root',
    })
    expect(first.data).toEqual({ k: 'v' })
    expect(
      await vault.handle({ method: 'POST', path: 'sys/wrapping/unwrap', data: { token }, token: 'root' }),
    ).toEqual({
      status: 400,
      body: { errors: ['wrapping token is not valid or does not exist'] },
    })
  })

  it('a wrapped token creation carries wrapped_accessor; unwrapping yields the auth block', async () => {
    const vault = await Vault.dev({ rootToken: 'root' })
    const res = await vault.request({
      method: 'POST',
      path: 'auth/token/create',
      data: { ttl: '1h' },
      token: 'root',
      wrapTtl: 60,
    })
    expect(res.auth).toBeNull()
    const info = res.wrap_info!
    const unwrapped = await vault.request({ method: 'POST', path: 'sys/wrapping/unwrap', token: info.token })
    expect(unwrapped.auth?.accessor).toBe(info.wrapped_accessor)
  })

  it('sys/wrapping/wrap without a wrap TTL is refused', async () => {
    const vault = await Vault.dev({ rootToken: 'root' })
    expect(
      await vault.handle({ method: 'POST', path: 'sys/wrapping/wrap', data: { a: 1 }, token: 'root' }),
    ).toEqual({
      status: 400,
      body: { errors: ['endpoint requires response wrapping to be used'] },
    })
  })

  it('lookup does not spend the token; rewrap moves the response to a new token', async () => {
    const vault = await Vault.dev({ rootToken: 'root' })
    const wrapped = await vault.request({
      method: 'POST',
      path: 'sys/wrapping/wrap',
      data: { k: 'v' },
      token: 'root',
      wrapTtl: 60,
    })
    const old = wrapped.wrap_info!.token
    await vault.request({ method: 'POST', path: 'sys/wrapping/lookup', data: { token: old } })
    const rewrapped = await vault.request({
      method: 'POST',
      path: 'sys/wrapping/rewrap',
      data: { token: old },
      token: 'root',
    })
    const fresh = rewrapped.wrap_info!.token
    expect(fresh).not.toBe(old)
    expect(
      (await vault.handle({ method: 'POST', path: 'sys/wrapping/lookup', data: { token: old } })).status,
    ).toBe(400)
    expect((await vault.request({ method: 'POST', path: 'sys/wrapping/unwrap', token: fresh })).data).toEqual(
      { k: 'v' },
    )
  })

  it('a non-wrapping token is refused by unwrap, lookup and rewrap (validated before auth, as Vault)', async () => {
    const vault = await Vault.dev({ rootToken: 'root' })
    for (const path of ['sys/wrapping/unwrap', 'sys/wrapping/lookup', 'sys/wrapping/rewrap']) {
      expect(await vault.handle({ method: 'POST', path, data: { token: 'root' }, token: 'root' })).toEqual({
        status: 400,
        body: { errors: ['wrapping token is not valid or does not exist'] },
      })
    }
  })

  it('an expired wrapping token is invalid', async () => {
    const { ManualClock } = await import('../../src/testing/index.js')
    const clock = new ManualClock()
    const vault = await Vault.dev({ rootToken: 'root', clock })
    const wrapped = await vault.request({
      method: 'POST',
      path: 'sys/wrapping/wrap',
      data: { k: 'v' },
      token: 'root',
      wrapTtl: 60,
    })
    await clock.advance('61s')
    expect(
      await vault.handle({
        method: 'POST',
        path: 'sys/wrapping/unwrap',
        data: { token: wrapped.wrap_info!.token },
        token: 'root',
      }),
    ).toEqual({ status: 400, body: { errors: ['wrapping token is not valid or does not exist'] } })
  })
})
