/**
 * A stand-in for the external calendar service: a real HTTP server (Bun.serve on a free port) that
 * speaks calendar-api.ts's contract and can be told to answer, fail (503), answer garbage, or hang
 * (hold the request open until the server stops), and that records every request it received, so a
 * test can see exactly what reached it, and what did not while a breaker was open.
 *
 * By default it answers every day of the asked window except Saturdays (so its answer is told apart
 * from shipping's default calendar, which has Saturdays and no Sundays).
 */
export type FakeCalendarMode = "answer" | "error" | "garbage" | "hang"

export interface FakeCalendarServer {
  readonly url: string
  /** Every request received, in order. */
  readonly requests: ReadonlyArray<URL>
  mode: FakeCalendarMode
  readonly stop: () => Promise<void>
}

const DAY_MS = 86_400_000

/** Every day of [from, to] except Saturdays. */
export const fakeCalendarDays = (from: string, to: string): ReadonlyArray<string> => {
  const days: Array<string> = []
  for (let ms = Date.parse(`${from}T00:00:00Z`); ms <= Date.parse(`${to}T00:00:00Z`); ms += DAY_MS) {
    if (new Date(ms).getUTCDay() !== 6) days.push(new Date(ms).toISOString().slice(0, 10))
  }
  return days
}

export const startFakeCalendarServer = (): FakeCalendarServer => {
  const requests: Array<URL> = []
  const hanging: Array<() => void> = []
  const state: { mode: FakeCalendarMode } = { mode: "answer" }
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch: (request) => {
      const url = new URL(request.url)
      requests.push(url)
      if (url.pathname !== "/delivery-days") return new Response("not found", { status: 404 })
      switch (state.mode) {
        case "answer": {
          const from = url.searchParams.get("from") ?? ""
          const to = url.searchParams.get("to") ?? ""
          return Response.json({ days: fakeCalendarDays(from, to), carrier: "fake" })
        }
        case "error":
          return new Response("calendar is down", { status: 503 })
        case "garbage":
          return new Response("<html>maintenance</html>", { status: 200, headers: { "content-type": "text/html" } })
        case "hang":
          return new Promise<Response>((resolve) => hanging.push(() => resolve(new Response("too late", { status: 503 }))))
      }
    }
  })
  return {
    url: `http://127.0.0.1:${server.port}`,
    requests,
    get mode() {
      return state.mode
    },
    set mode(mode: FakeCalendarMode) {
      state.mode = mode
    },
    stop: async () => {
      for (const release of hanging.splice(0)) release()
      await server.stop(true)
    }
  }
}
