import { describe, expect, test } from 'vitest'
import { usernameBase, usernameCandidate } from '#app/models/member/username.ts'

describe('automatic username (Coin rules)', () => {
  test('initials of each part of the first name, then the last name, in ASCII', () => {
    expect(usernameBase({ type: 'NATURAL_PERSON', firstName: 'Gérard-Étienne', lastName: 'Majax de la Boétie3' })).toBe('gemajaxdelaboetie3')
    expect(usernameBase({ type: 'NATURAL_PERSON', firstName: 'Hervé', lastName: 'DUPOND' })).toBe('hdupond')
  })
  test('a nickname wins over the names; an organisation name for a legal entity', () => {
    expect(usernameBase({ type: 'NATURAL_PERSON', firstName: 'Anne', lastName: 'Lefèvre', nickname: 'Nénette' })).toBe('nenette')
    expect(usernameBase({ type: 'LEGAL_ENTITY', organizationName: "L'Atelier du Lien (Lyon)", nickname: 'x' })).toBe('latelierdulienlyon')
  })
  test('keeps _ - . and cuts at 30 characters', () => {
    expect(usernameBase({ type: 'NATURAL_PERSON', nickname: 'j.doe_42-x!' })).toBe('j.doe_42-x')
    expect(usernameBase({ type: 'LEGAL_ENTITY', organizationName: 'a'.repeat(40) })).toHaveLength(30)
  })
  test('numbers the candidates 2, 3… within 30 characters', () => {
    expect([1, 2, 3].map((n) => usernameCandidate('hdupond', n))).toEqual(['hdupond', 'hdupond2', 'hdupond3'])
    expect(usernameCandidate('b'.repeat(30), 12)).toBe(`${'b'.repeat(28)}12`)
  })
})
