// Delivery days as pure date arithmetic, table-driven: the window (tomorrow + 13 days), Sundays only
// with the addon, month and year boundaries, the shop's time zone deciding "today", and days from an
// external calendar bounded by the window and the Sunday rule.
import { describe, expect, test } from "bun:test"
import { addDays, boundDays, defaultCalendar, deliveryWindow, isCalendarDate, isSunday, localDate } from "@kasa/shipping"

describe("date arithmetic", () => {
  test.each<[string, number, string]>([
    ["2026-02-11", 1, "2026-02-12"],
    ["2026-02-28", 1, "2026-03-01"],
    ["2028-02-28", 1, "2028-02-29"],
    ["2026-12-31", 1, "2027-01-01"],
    ["2026-03-01", -1, "2026-02-28"],
    ["2026-10-24", 2, "2026-10-26"]
  ])("%s + %d = %s", (date, days, expected) => {
    expect(addDays(date, days)).toBe(expected)
  })

  test.each<[string, boolean]>([
    ["2026-02-15", true],
    ["2026-02-16", false],
    ["2026-02-14", false],
    ["2027-01-03", true]
  ])("%s is a Sunday: %p", (date, expected) => {
    expect(isSunday(date)).toBe(expected)
  })

  test.each<[string, boolean]>([
    ["2026-02-11", true],
    ["2026-02-30", false],
    ["2026-13-01", false],
    ["2026-2-11", false],
    ["11.02.2026", false],
    ["", false]
  ])("%p is a calendar date: %p", (date, expected) => {
    expect(isCalendarDate(date)).toBe(expected)
  })

  test.each<[string, string, string]>([
    ["2026-02-11T22:59:59.000Z", "Europe/Warsaw", "2026-02-11"],
    ["2026-02-11T23:00:00.000Z", "Europe/Warsaw", "2026-02-12"],
    ["2026-07-11T21:59:59.000Z", "Europe/Warsaw", "2026-07-11"],
    ["2026-07-11T22:00:00.000Z", "Europe/Warsaw", "2026-07-12"],
    ["2026-02-11T23:00:00.000Z", "UTC", "2026-02-11"]
  ])("%s is %s in %s", (instant, timeZone, expected) => {
    expect(localDate(Date.parse(instant), timeZone)).toBe(expected)
  })
})

describe("default calendar", () => {
  // 2026-02-11 is a Wednesday: the window is Thu 12th .. Wed 25th, with Sundays 15th and 22nd.
  const window = deliveryWindow("2026-02-11", 14)

  test("the window is the next 14 days from tomorrow", () => {
    expect(window).toEqual({ from: "2026-02-12", to: "2026-02-25" })
  })

  test("without Sunday delivery: 12 days, no Sundays", () => {
    const days = defaultCalendar(window, false)
    expect(days).toHaveLength(12)
    expect(days[0]).toBe("2026-02-12")
    expect(days.at(-1)).toBe("2026-02-25")
    expect(days).not.toContain("2026-02-15")
    expect(days).not.toContain("2026-02-22")
    expect(days.some(isSunday)).toBe(false)
  })

  test("with Sunday delivery: all 14 days", () => {
    const days = defaultCalendar(window, true)
    expect(days).toHaveLength(14)
    expect(days.filter(isSunday)).toEqual(["2026-02-15", "2026-02-22"])
  })

  test("across a year boundary", () => {
    expect(defaultCalendar(deliveryWindow("2026-12-30", 14), true)).toEqual(Array.from({ length: 14 }, (_, i) => addDays("2026-12-31", i)))
  })
})

describe("boundDays (an external calendar's answer)", () => {
  const window = deliveryWindow("2026-02-11", 14)
  test.each<[string, ReadonlyArray<string>, boolean, ReadonlyArray<string>]>([
    ["kept as they are", ["2026-02-12", "2026-02-13"], false, ["2026-02-12", "2026-02-13"]],
    ["sorted and once each", ["2026-02-17", "2026-02-12", "2026-02-17"], false, ["2026-02-12", "2026-02-17"]],
    ["today and earlier dropped", ["2026-02-10", "2026-02-11", "2026-02-12"], false, ["2026-02-12"]],
    ["after the window dropped", ["2026-02-25", "2026-02-26"], false, ["2026-02-25"]],
    ["malformed dropped", ["2026-02-30", "tomorrow", "2026-02-13"], false, ["2026-02-13"]],
    ["a Sunday dropped without the addon", ["2026-02-15", "2026-02-16"], false, ["2026-02-16"]],
    ["a Sunday kept with the addon", ["2026-02-15", "2026-02-16"], true, ["2026-02-15", "2026-02-16"]],
    ["no days is an answer too", [], false, []]
  ])("%s", (_, days, sundays, expected) => {
    expect(boundDays(days, window, sundays)).toEqual([...expected])
  })
})
