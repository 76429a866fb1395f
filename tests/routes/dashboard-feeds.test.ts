import { afterEach, expect, test } from 'vitest'
import { loader as dashboardLoader } from '#app/routes/_index.tsx'
import { prisma } from '#app/utils/db.server.ts'
import { init } from '#app/utils/env.server.ts'
import { loginAs } from '#tests/factories/member.ts'
import { makeRequest } from './request.ts'

const FEEDS = 'isp|https://fai.example/feed/|2;ffdn|https://ffdn.example/rss.xml|3'
const checkedAt = new Date('2026-12-07T12:00:00Z')

afterEach(async () => {
  await prisma.feedCache.deleteMany()
  init(process.env)
})

const load = async () => {
  const { cookie } = await loginAs()
  return dashboardLoader({ request: makeRequest('/', { cookie }), params: {}, context: {} })
}

test('the dashboard shows the cached entries of each feed, cut to max, in FEEDS order, without fetching', async () => {
  init({ ...process.env, FEEDS })
  await prisma.feedCache.createMany({
    data: [
      { name: 'ffdn', url: 'https://ffdn.example/rss.xml', checkedAt, fetchedAt: checkedAt, entries: [{ title: 'Nouvelle FAI', link: 'https://ffdn.example/n1', date: '2026-12-01T12:00:00.000Z' }] },
      {
        name: 'isp', url: 'https://fai.example/feed/', checkedAt, fetchedAt: checkedAt, lastError: 'no answer within 5000 ms',
        entries: [
          { title: '<b>AG</b> & apéro', link: 'https://fai.example/ag', date: '2026-12-07T09:00:00.000Z' },
          { title: 'Travaux', link: null, date: null },
          { title: 'Trop', link: 'https://fai.example/trop', date: null },
        ],
      },
    ],
  })
  const data = await load()
  expect(data.feeds).toEqual([
    { name: 'isp', entries: [
      { title: '<b>AG</b> & apéro', link: 'https://fai.example/ag', date: '2026-12-07T09:00:00.000Z' },
      { title: 'Travaux', link: null, date: null },
    ] },
    { name: 'ffdn', entries: [{ title: 'Nouvelle FAI', link: 'https://ffdn.example/n1', date: '2026-12-01T12:00:00.000Z' }] },
  ])
  // A title is a string the page renders as text (React escapes it), never markup.
  expect(typeof data.feeds[0].entries[0].title).toBe('string')
})

test('an empty cache, a feed that never succeeded, or a cache of another address shows no feed and no error', async () => {
  init({ ...process.env, FEEDS })
  expect((await load()).feeds).toEqual([])
  await prisma.feedCache.createMany({
    data: [
      { name: 'isp', url: 'https://fai.example/feed/', checkedAt, lastError: 'HTTP 500' },
      { name: 'ffdn', url: 'https://old.example/rss.xml', checkedAt, fetchedAt: checkedAt, entries: [{ title: 'Ancienne adresse', link: null, date: null }] },
    ],
  })
  expect((await load()).feeds).toEqual([])
  init({ ...process.env, FEEDS: 'none' })
  expect((await load()).feeds).toEqual([])
})
