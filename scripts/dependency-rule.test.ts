// Table-driven tests of the dependency rule: what a context or the kernel may and may not import.
import { describe, expect, test } from "bun:test"
import { checkFile, specifiersOf } from "./dependency-rule.ts"

describe("specifiersOf", () => {
  test.each([
    [`import { Effect } from "effect"`, ["effect"]],
    [`import type { X } from "./x.ts"`, ["./x.ts"]],
    [`export * from "./y.ts"`, ["./y.ts"]],
    [`import {\n  A,\n  B\n} from "@kasa/shared"`, ["@kasa/shared"]],
    [`const m = await import("node:fs")`, ["node:fs"]],
    [`import "hono"`, ["hono"]],
    [`// import { x } from "redis"\nconst a = 1`, []],
    [`/* import { x } from "redis" */`, []]
  ])("%s", (source, expected) => {
    expect(specifiersOf(source)).toEqual(expected)
  })
})

describe("checkFile", () => {
  const ctx = (source: string) => checkFile("contexts/cart/src/domain.ts", "contexts/cart", "context", source).map((v) => v.specifier)
  const kernel = (source: string) => checkFile("shared/src/money.ts", "shared", "kernel", source).map((v) => v.specifier)

  test.each([
    [`import { Effect } from "effect"`, []],
    [`import { Schema } from "effect/Schema"`, []],
    [`import { Envelope } from "@kasa/shared"`, []],
    [`import { x } from "./rules.ts"`, []],
    [`import { x } from "../test/fixtures.ts"`, []],
    [`import { Hono } from "hono"`, ["hono"]],
    [`import { createClient } from "redis"`, ["redis"]],
    [`import { readFile } from "node:fs/promises"`, ["node:fs/promises"]],
    [`import { serve } from "bun"`, ["bun"]],
    [`import { Kafka } from "@platformatic/kafka"`, ["@platformatic/kafka"]],
    [`import { Order } from "@kasa/order"`, ["@kasa/order"]],
    [`import { x } from "../../order/src/domain.ts"`, ["../../order/src/domain.ts"]],
    [`import { x } from "../../../adapters/redis/src/index.ts"`, ["../../../adapters/redis/src/index.ts"]]
  ])("context: %s", (source, expected) => {
    expect(ctx(source)).toEqual(expected)
  })

  test.each([
    [`import { Effect } from "effect"`, []],
    [`import { Envelope } from "@kasa/shared"`, ["@kasa/shared"]],
    [`import { Hono } from "hono"`, ["hono"]]
  ])("kernel: %s", (source, expected) => {
    expect(kernel(source)).toEqual(expected)
  })
})
