// loadDataFile, the one way apps read their data files at start: YAML or JSON parsed by Bun.YAML,
// validated by the context's parse function, and every way it can go wrong an InvalidDataFile whose
// message names the file and each problem. And dataFileFrom: the variable when set, else the shipped file.
import { describe, expect, test } from "bun:test"
import { Effect, Result } from "effect"
import { dataFileFrom, InvalidDataFile, loadDataFile } from "@kasa/app-platform"
import { writeTempFile } from "@kasa/test-support/app-harness"

/** A stand-in for a context's parse: `{ name: string }`, with the file's name in what it was given. */
const parseName = (input: unknown, source: string) =>
  typeof input === "object" && input !== null && typeof (input as { name?: unknown }).name === "string"
    ? Result.succeed({ name: (input as { name: string }).name, source })
    : Result.fail({ problems: ["name: expected a string", "(file): nothing else is read"] })

const load = (file: string) => Effect.runPromise(Effect.flip(loadDataFile(file, parseName, "test data")))

describe("loadDataFile", () => {
  test.each<[string, string, string]>([
    ["YAML", "data.yaml", "name: kasa\n"],
    ["JSON", "data.json", '{"name": "kasa"}']
  ])("reads %s and hands the content and the file's path to the parse function", async (_, name, content) => {
    const file = await writeTempFile(name, content)
    try {
      expect(await Effect.runPromise(loadDataFile(file.file, parseName, "test data"))).toEqual({ name: "kasa", source: file.file })
      expect(await Effect.runPromise(loadDataFile(new URL(`file://${file.file}`), parseName, "test data"))).toEqual({ name: "kasa", source: file.file })
    } finally {
      await file.remove()
    }
  })

  test.each<[string, string, string, ReadonlyArray<string>]>([
    ["bad YAML", "data.yaml", "name: [unclosed", ["not YAML (or JSON): "]],
    ["bad JSON", "data.json", '{"name": ', ["not JSON: "]],
    ["content the parse function refuses", "data.yaml", "title: kasa\n", ["name: expected a string", "(file): nothing else is read"]]
  ])("a file with %s fails naming the file and each problem", async (_, name, content, problems) => {
    const file = await writeTempFile(name, content)
    try {
      const error = await load(file.file)
      expect(error).toBeInstanceOf(InvalidDataFile)
      expect(error.source).toBe(file.file)
      expect(error.problems).toHaveLength(problems.length)
      problems.forEach((problem, i) => expect(error.problems[i]).toStartWith(problem))
      expect(error.message).toStartWith(`invalid test data ${file.file}: ${problems[0]}`)
    } finally {
      await file.remove()
    }
  })

  test("a missing file fails naming it", async () => {
    const error = await load("/nonexistent/kasa/data.yaml")
    expect(error.message).toStartWith("invalid test data /nonexistent/kasa/data.yaml: cannot read the file: ")
  })
})

describe("dataFileFrom", () => {
  const shipped = new URL("file:///shop/data/rules.yaml")
  test.each<[string, Record<string, string | undefined>, string | URL]>([
    ["unset", {}, shipped],
    ["blank", { RULES_FILE: "  " }, shipped],
    ["set", { RULES_FILE: " /etc/rules.yaml " }, "/etc/rules.yaml"]
  ])("the variable %s gives the right file", (_, env, expected) => {
    expect(dataFileFrom(env, "RULES_FILE", shipped)).toEqual(expected)
  })
})
