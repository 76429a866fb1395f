import jpeg from 'jpeg-js'
import { PNG } from 'pngjs'
import { beforeAll, describe, expect, test } from 'vitest'
import { getIspIdentity } from '#app/models/isp/settings.server.ts'
import { loader as logoLoader } from '#app/routes/admin.settings.logo.tsx'
import { action, loader } from '#app/routes/admin.settings.tsx'
import { DEMO_ISP_IDENTITY } from '#prisma/seed.ts'
import { loginAs, loginAsStaff } from '#tests/factories/member.ts'
import { makeRequest, settle, unwrap } from './request.ts'

let cookie: string
beforeAll(async () => {
  ;({ cookie } = await loginAsStaff())
})

/** A real image of `width`×`height` pixels (a gradient), as the settings form would receive it. */
function image(type: 'png' | 'jpeg', width: number, height: number) {
  const data = Buffer.alloc(width * height * 4)
  for (let i = 0; i < width * height; i++) data.set([(i % width) % 256, Math.floor(i / width) % 256, 128, 255], i * 4)
  const bytes = type === 'png' ? PNG.sync.write(Object.assign(new PNG({ width, height }), { data })) : jpeg.encode({ width, height, data }, 90).data
  return new Uint8Array(bytes)
}
const sizeOf = (bytes: Uint8Array, type: 'png' | 'jpeg') => {
  const decoded = type === 'png' ? PNG.sync.read(Buffer.from(bytes)) : jpeg.decode(bytes)
  return { width: decoded.width, height: decoded.height }
}
const SMALL_PNG = image('png', 40, 10)
const SMALL_JPEG = image('jpeg', 40, 10)
/** A PNG's signature and header, then garbage: what used to be accepted and then broke every PDF. */
const BROKEN_PNG = new Uint8Array([...SMALL_PNG.subarray(0, 33), ...new TextEncoder().encode('garbage garbage garbage')])

const validForm = (overrides: Record<string, string> = {}) => ({
  name: 'Illyse',
  address: '12 rue des Fibres\nBâtiment B',
  postalCode: '42000',
  city: 'Saint-Étienne',
  siret: '732 829 320 00074',
  rna: 'w421234567',
  email: 'Bureau@Illyse.org',
  website: 'https://www.illyse.org',
  iban: 'fr76 3000 6000 0112 3456 7890 189',
  bic: 'bnpa frpp',
  bankName: 'Crédit Coopératif',
  chequeOrder: 'Illyse',
  vatMention: 'TVA non applicable, art. 293 B du CGI',
  defaultVatPercent: '5,5',
  latePaymentMention: 'Indemnité forfaitaire de 40 € pour frais de recouvrement.',
  ...overrides,
})

/** The multipart request the settings form sends, with an optional logo file. */
function multipart(fields: Record<string, string>, logo?: { bytes: Uint8Array<ArrayBuffer>; name: string; type: string }, as = cookie) {
  const body = new FormData()
  // The file comes first, so the fields after it show that a refused file does not stop the parsing.
  body.append('logo', logo ? new File([logo.bytes], logo.name, { type: logo.type }) : new File([], '', { type: 'application/octet-stream' }))
  for (const [key, value] of Object.entries(fields)) body.append(key, value)
  return new Request('http://localhost/admin/settings', { method: 'POST', body, headers: { Cookie: as } })
}
const save = (request: Request) => action({ request, params: {}, context: {} })
const load = () => loader({ request: makeRequest('/admin/settings', { cookie }), params: {}, context: {} })
const logo = () => settle(() => logoLoader({ request: makeRequest('/admin/settings/logo', { cookie }), params: {}, context: {} }))

describe('ISP identity settings', () => {
  test('the demo identity is saved unchanged: every identifier passes the form\'s checks', async () => {
    const response = await save(makeRequest('/admin/settings', { cookie, form: { ...DEMO_ISP_IDENTITY, defaultVatPercent: '0', latePaymentMention: '' } }))
    expect((response as Response).headers.get('location')).toBe('/admin/settings?saved=1')
    expect(await getIspIdentity()).toMatchObject(DEMO_ISP_IDENTITY)
  })

  test('a valid form is saved with identifiers normalised and the VAT rate in basis points', async () => {
    const response = await save(multipart(validForm()))
    expect((response as Response).status).toBe(302)
    expect((response as Response).headers.get('location')).toBe('/admin/settings?saved=1')
    expect(await getIspIdentity()).toMatchObject({
      name: 'Illyse',
      address: '12 rue des Fibres\nBâtiment B',
      siret: '73282932000074',
      rna: 'W421234567',
      email: 'bureau@illyse.org',
      website: 'https://www.illyse.org',
      iban: 'FR7630006000011234567890189',
      bic: 'BNPAFRPP',
      defaultVatBasisPoints: 550,
      logo: null,
    })
    const page = await load()
    expect(page.defaults).toMatchObject({ iban: 'FR76 3000 6000 0112 3456 7890 189', defaultVatPercent: '5,5', siret: '73282932000074' })
    expect(page.hasLogo).toBe(false)

    // An urlencoded post (no file input) works too; emptied optional fields are cleared.
    await save(makeRequest('/admin/settings', { cookie, form: validForm({ defaultVatPercent: '20', siret: '', website: '' }) }))
    expect(await getIspIdentity()).toMatchObject({ defaultVatBasisPoints: 2000, siret: '', website: '', iban: 'FR7630006000011234567890189' })
  })

  test('every invalid field is reported at once, and nothing is saved', async () => {
    await save(multipart(validForm()))
    const before = await getIspIdentity()
    const result = unwrap(await save(multipart(validForm({
      name: '',
      iban: 'FR76 3000 6000 0112 3456 7890 188',
      siret: '732 829 320 00075',
      defaultVatPercent: '5,555',
      rna: 'W12',
      bic: 'BNPAFRP',
      email: 'not-an-email',
      website: 'ftp://example.org',
    }))))
    expect(result.status).toBe(400)
    expect(result.data.result.error).toEqual({
      name: ['required'],
      iban: ['ibanChecksumInvalid'],
      siret: ['siretChecksumInvalid'],
      defaultVatPercent: ['vatInvalid'],
      rna: ['rnaInvalid'],
      bic: ['bicInvalid'],
      email: ['emailInvalid'],
      website: ['urlInvalid'],
    })
    expect(await getIspIdentity()).toEqual(before)
    for (const defaultVatPercent of ['101', '-1', '12,5%x']) {
      expect(unwrap(await save(multipart(validForm({ defaultVatPercent })))).data.result.error, defaultVatPercent).toEqual({ defaultVatPercent: ['vatInvalid'] })
    }
    expect(unwrap(await save(multipart(validForm({ iban: 'FR76 3000 6000 0112 3456 7890 18' })))).data.result.error).toEqual({ iban: ['ibanLengthInvalid'] })
    expect(await getIspIdentity()).toEqual(before)
  })

  test('a PNG or JPEG logo is decoded, prepared and served to staff; a text file renamed .png is refused', async () => {
    await save(multipart(validForm(), { bytes: SMALL_PNG, name: 'logo.png', type: 'image/png' }))
    expect(await getIspIdentity()).toMatchObject({ logoMimeType: 'image/png' })
    expect((await load()).hasLogo).toBe(true)
    const served = (await logo()) as Response
    expect(served.headers.get('content-type')).toBe('image/png')
    expect(sizeOf(new Uint8Array(await served.arrayBuffer()), 'png')).toEqual({ width: 40, height: 10 })

    const text = new TextEncoder().encode('This is not an image, whatever its name says.')
    const refused = unwrap(await save(multipart(validForm({ name: 'Renamed' }), { bytes: text, name: 'logo.png', type: 'image/png' })))
    expect(refused.status).toBe(400)
    expect(refused.data.result.error).toEqual({ logo: ['logoNotImage'] })
    expect(await getIspIdentity()).toMatchObject({ name: 'Illyse', logoMimeType: 'image/png' })

    // A file without an image extension is judged by its bytes too.
    await save(multipart(validForm(), { bytes: SMALL_JPEG, name: 'logo', type: 'application/octet-stream' }))
    const identity = await getIspIdentity()
    expect(identity.logoMimeType).toBe('image/jpeg')
    expect(sizeOf(new Uint8Array(identity.logo!), 'jpeg')).toEqual({ width: 40, height: 10 })
  })

  test('a broken image, one over 2000 pixels or over 1 MB is a field error shown with the others; a large one is scaled down once', async () => {
    await save(multipart(validForm(), { bytes: SMALL_PNG, name: 'logo.png', type: 'image/png' }))
    const kept = new Uint8Array((await getIspIdentity()).logo!)
    const refusal = async (bytes: Uint8Array<ArrayBuffer>) => {
      const result = unwrap(await save(multipart(validForm({ iban: 'FR76 3000' }), { bytes, name: 'logo.png', type: 'image/png' })))
      expect(result.status).toBe(400)
      return result.data.result.error
    }
    expect(await refusal(BROKEN_PNG)).toEqual({ logo: ['logoBroken'], iban: ['ibanLengthInvalid'] })
    expect(await refusal(image('jpeg', 40, 10).slice(0, 200))).toEqual({ logo: ['logoBroken'], iban: ['ibanLengthInvalid'] })
    // 12000 × 12000 in its header: refused from the header, before any decoding.
    const huge = SMALL_PNG.slice()
    new DataView(huge.buffer).setUint32(16, 12_000)
    new DataView(huge.buffer).setUint32(20, 12_000)
    expect(await refusal(huge)).toEqual({ logo: ['logoTooManyPixels'], iban: ['ibanLengthInvalid'] })
    const heavy = new Uint8Array(1024 * 1024 + 1)
    heavy.set(SMALL_PNG)
    expect(await refusal(heavy)).toEqual({ logo: ['logoTooLarge'], iban: ['ibanLengthInvalid'] })
    expect(new Uint8Array((await getIspIdentity()).logo!)).toEqual(kept)

    await save(multipart(validForm(), { bytes: image('png', 1600, 400), name: 'wide.png', type: 'image/png' }))
    expect(sizeOf(new Uint8Array((await getIspIdentity()).logo!), 'png')).toEqual({ width: 640, height: 160 })
  })

  test('an SVG logo becomes a PNG; one with a script, an event handler or an outside reference is refused and says why', async () => {
    const svg = (body: string) => new TextEncoder().encode(`<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 200 50" width="200" height="50">${body}</svg>`)
    const good = svg('<rect width="200" height="50" fill="#1f7a5c"/><text x="10" y="35" font-size="28" fill="#fff">Illyse</text>')
    await save(multipart(validForm(), { bytes: good, name: 'logo.svg', type: 'image/svg+xml' }))
    const identity = await getIspIdentity()
    expect(identity.logoMimeType).toBe('image/png')
    expect(sizeOf(new Uint8Array(identity.logo!), 'png')).toEqual({ width: 640, height: 160 })
    const refusal = async (body: string) => unwrap(await save(multipart(validForm({ name: 'Refusé' }), { bytes: svg(body), name: 'logo.svg', type: 'image/svg+xml' }))).data?.result?.error
    expect(await refusal('<script>alert(1)</script>')).toEqual({ logo: ['logoSvgScript'] })
    expect(await refusal('<rect width="10" height="10" onload="alert(1)"/>')).toEqual({ logo: ['logoSvgScript'] })
    expect(await refusal('<a xlink:href="javascript:alert(1)"><rect width="10" height="10"/></a>')).toEqual({ logo: ['logoSvgScript'] })
    expect(await refusal('<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>')).toEqual({ logo: ['logoSvgScript'] })
    expect(await refusal('<image href="https://evil.example/x.png" width="10" height="10"/>')).toEqual({ logo: ['logoSvgExternal'] })
    expect(await refusal('<image xlink:href="/etc/passwd" width="10" height="10"/>')).toEqual({ logo: ['logoSvgExternal'] })
    expect(await refusal('<style>@import url(https://evil.example/a.css);</style>')).toEqual({ logo: ['logoSvgExternal'] })
    expect(await refusal('<rect width="10" height="10" style="fill: url(https://evil.example/p.svg#g)"/>')).toEqual({ logo: ['logoSvgExternal'] })
    // Inside references and embedded images are fine.
    expect(await refusal('<defs><linearGradient id="g"><stop offset="0" stop-color="red"/></linearGradient></defs><rect width="10" height="10" fill="url(#g)"/>')).toBeUndefined()
    const doctype = new TextEncoder().encode('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">&x;</svg>')
    expect(unwrap(await save(multipart(validForm(), { bytes: doctype, name: 'logo.svg', type: 'image/svg+xml' }))).data.result.error).toEqual({ logo: ['logoSvgExternal'] })
    const broken = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><rect')
    expect(unwrap(await save(multipart(validForm(), { bytes: broken, name: 'logo.svg', type: 'image/svg+xml' }))).data.result.error).toEqual({ logo: ['logoSvgBroken'] })
  })

  test('the checkbox removes the logo; a new file replaces it', async () => {
    await save(multipart(validForm(), { bytes: SMALL_PNG, name: 'logo.png', type: 'image/png' }))
    await save(multipart(validForm({ removeLogo: 'on' })))
    expect(await getIspIdentity()).toMatchObject({ logo: null, logoMimeType: null })
    expect(((await logo()) as Response).status).toBe(404)
    // Saving without a file keeps the logo.
    await save(multipart(validForm(), { bytes: SMALL_JPEG, name: 'logo.jpg', type: 'image/jpeg' }))
    await save(multipart(validForm({ name: 'Illyse FAI' })))
    expect(await getIspIdentity()).toMatchObject({ name: 'Illyse FAI', logoMimeType: 'image/jpeg' })
  })

  test('members get a 404 on the settings page, its action and the logo, and change nothing', async () => {
    const before = await getIspIdentity()
    const { cookie: memberCookie } = await loginAs()
    const refused = await settle(() => save(multipart(validForm({ name: 'Hijacked' }), { bytes: SMALL_PNG, name: 'logo.png', type: 'image/png' }, memberCookie)))
    expect((refused as Response).status).toBe(404)
    expect(((await settle(() => loader({ request: makeRequest('/admin/settings', { cookie: memberCookie }), params: {}, context: {} }))) as Response).status).toBe(404)
    expect(((await settle(() => logoLoader({ request: makeRequest('/admin/settings/logo', { cookie: memberCookie }), params: {}, context: {} }))) as Response).status).toBe(404)
    expect(await getIspIdentity()).toEqual(before)
  })
})
