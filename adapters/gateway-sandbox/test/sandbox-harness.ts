/**
 * The PaymentGateway contract's harness for the sandbox: each space is one shop (its StateStore data,
 * a webhook secret, and an inbox of the webhooks the sandbox delivered to it); each open is one
 * instance of the payment app over it (its own store connections, over memory or a real Redis), its gateway built as the app builds it and its hosted
 * page driven through the real routes (`app.request`). Delivered webhooks land in the space's inbox,
 * which `delivered` waits on with a deadline (no sleeping).
 */
import { Context, Effect, Layer } from "effect"
import { layerMemoryStateStore, MemoryStateData } from "@kasa/adapter-memory"
import type { PaymentGatewayService, WebhookDelivery } from "@kasa/payment"
import type { GatewayHarness, OpenedGateway } from "@kasa/payment/testing/gateway-contract"
import { StateStore } from "@kasa/shared"
import { openLayer, spaces, uniqueNames } from "@kasa/shared/testing/contract"
import { AssertionFailed, waitUntil } from "@kasa/shared/testing/eventually"
import { type DeliverWebhook, randomSandboxSecret, sandboxGateway, type SandboxGatewayOptions, sandboxRoutes } from "../src/index.ts"

class GatewayUnderTest extends Context.Service<GatewayUnderTest, PaymentGatewayService>()("test/GatewayUnderTest") {}

interface Shop {
  readonly secret: string
  /** Webhooks delivered, by transaction. */
  readonly inbox: Map<string, Array<WebhookDelivery>>
}

const inboxDelivery =
  (inbox: Shop["inbox"]): DeliverWebhook =>
  (webhook, target) =>
    Effect.sync(() => {
      inbox.set(target.transaction_id, [...(inbox.get(target.transaction_id) ?? []), webhook])
    })

/** A StateStore for one instance of the shop named `space`: instances of one space share its data. */
export type StoreFor = (space: string) => Layer.Layer<StateStore, unknown>

/** Stores in memory: one MemoryStateData per space. */
export const memoryStores = (): StoreFor => {
  const data = spaces(() => new MemoryStateData())
  return (space) => layerMemoryStateStore(data(space))
}

export const sandboxHarness = (storeFor: StoreFor, timeoutMs = 10_000): GatewayHarness => {
  const shop = spaces<Shop>(() => ({ secret: randomSandboxSecret(), inbox: new Map() }))
  const open = async (space: string): Promise<OpenedGateway> => {
    const { secret, inbox } = shop(space)
    const options: Omit<SandboxGatewayOptions, "store"> = { secret, deliver: inboxDelivery(inbox), blikConfirmAfter: "5 millis" }
    const opened = await openLayer(Layer.effect(GatewayUnderTest, sandboxGateway(options)).pipe(Layer.provideMerge(storeFor(space))))
    const [gateway, store] = await opened.run(Effect.all([GatewayUnderTest, StateStore]))
    const routes = sandboxRoutes({ ...options, store })
    const delivered = async (transaction_id: string): Promise<WebhookDelivery> => {
      await Effect.runPromise(
        waitUntil(() => (inbox.get(transaction_id)?.length ?? 0) > 0, { timeoutMs, describe: () => `no webhook for ${transaction_id}; inbox has ${[...inbox.keys()].join(", ")}` })
      )
      return inbox.get(transaction_id)!.at(-1)!
    }
    return {
      run: opened.run,
      close: opened.close,
      gateway,
      delivered,
      complete: async (started, transaction_id, outcome) => {
        if (started.kind !== "redirect") throw new AssertionFailed(`only a redirect payment has a page to complete, got ${JSON.stringify(started)}`)
        const before = inbox.get(transaction_id)?.length ?? 0
        const response = await routes.request(started.redirect_url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ outcome }) })
        if (response.status !== 200) throw new AssertionFailed(`the page answered ${response.status}: ${await response.text()}`)
        const after = inbox.get(transaction_id) ?? []
        if (after.length !== before + 1) throw new AssertionFailed(`expected one webhook for ${transaction_id}, the inbox went from ${before} to ${after.length}`)
        return after.at(-1)!
      }
    }
  }
  return { open, name: uniqueNames(`sbx-${Date.now().toString(36)}-`), timeoutMs }
}
