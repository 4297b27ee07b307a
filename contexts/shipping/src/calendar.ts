/**
 * Delivery days as pure date arithmetic on `YYYY-MM-DD` strings (SPEC §9's default calendar): the
 * window is the next `calendarDays` days starting tomorrow in the shop's time zone; Sundays are
 * delivery days only when the shopper booked `sunday_delivery`. The same window and Sunday rule
 * also bound what an external calendar answers, so a day outside the window, a malformed day or an
 * unbooked Sunday never reaches the shopper, whichever source the days came from.
 */

const DAY_MS = 86_400_000
const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/

/** Milliseconds of the date's UTC midnight, or undefined when it is not a real calendar date. */
const parse = (date: string): number | undefined => {
  const match = datePattern.exec(date)
  if (match === null) return undefined
  const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))
  return new Date(ms).toISOString().slice(0, 10) === date ? ms : undefined
}

export const isCalendarDate = (date: string): boolean => parse(date) !== undefined

const format = (ms: number): string => new Date(ms).toISOString().slice(0, 10)

/** `date` plus `days` (a real date; throws on a malformed one: callers pass checked dates). */
export const addDays = (date: string, days: number): string => {
  const ms = parse(date)
  if (ms === undefined) throw new RangeError(`not a calendar date: ${date}`)
  return format(ms + days * DAY_MS)
}

export const isSunday = (date: string): boolean => {
  const ms = parse(date)
  return ms !== undefined && new Date(ms).getUTCDay() === 0
}

/** The calendar date of `epochMs` in `timeZone` (Intl is in every runtime: Bun, Node, Deno). */
export const localDate = (epochMs: number, timeZone: string): string => {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(epochMs)
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? ""
  return `${part("year")}-${part("month")}-${part("day")}`
}

export interface DeliveryWindow {
  /** Tomorrow. */
  readonly from: string
  /** The last day of the window, inclusive. */
  readonly to: string
}

export const deliveryWindow = (today: string, days: number): DeliveryWindow => ({ from: addDays(today, 1), to: addDays(today, days) })

/** Every day of the window, with or without Sundays. */
export const defaultCalendar = (window: DeliveryWindow, sundays: boolean): ReadonlyArray<string> => {
  const days: Array<string> = []
  for (let day = window.from; day <= window.to; day = addDays(day, 1)) if (sundays || !isSunday(day)) days.push(day)
  return days
}

/** Days from another source, kept only when real, inside the window and allowed (Sundays): sorted, once each. */
export const boundDays = (days: ReadonlyArray<string>, window: DeliveryWindow, sundays: boolean): ReadonlyArray<string> =>
  [...new Set(days)].filter((day) => isCalendarDate(day) && day >= window.from && day <= window.to && (sundays || !isSunday(day))).sort()
