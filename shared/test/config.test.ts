// Configuration errors and start-up messages never carry a secret: userinfo is cut out of any URL.
import { describe, expect, test } from "bun:test"
import { redactUrlsIn } from "../src/config.ts"

describe("redactUrlsIn", () => {
  test.each([
    ["cannot connect to redis://kasa:hunter2@redis:6379/0", "cannot connect to redis://redis:6379/0"],
    ["redis://:hunter2@127.0.0.1:6379 and http://user@host/x", "redis://127.0.0.1:6379 and http://host/x"],
    ['url "rediss://a:b@h:1"', 'url "rediss://h:1"'],
    ["redis://kasa:p@ss@redis:6379", "redis://redis:6379"],
    ["no url here, user@example.com", "no url here, user@example.com"],
    ["http://host:3000/path?q=a@b", "http://host:3000/path?q=a@b"]
  ])("%s", (text, expected) => {
    expect(redactUrlsIn(text)).toBe(expected)
  })
})
