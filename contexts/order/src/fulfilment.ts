/**
 * The shop's fulfilment steps (admin / fulfilment `POST /orders/{id}/status`, SPEC §4.8), kept
 * strict: a confirmed order moves one place at a time along CONFIRMED → PREPARING → READY_FOR_PICKUP
 * → OUT_FOR_DELIVERY → DELIVERED. The one shortcut: a store-pickup order is collected from the shop,
 * so it goes READY_FOR_PICKUP → DELIVERED and never out for delivery. A cash-on-delivery order
 * (PENDING) is confirmed by the shop (`confirmed`); a paid one only by its payment. The same step
 * again is a replay, a step the order has passed is stale, a skipped step is illegal.
 * Each step publishes its order event and, for a parcel a carrier takes, the delivery events:
 * ready for pickup → `delivery.assigned` (carrier: the step's, else the shipping method's id);
 * out for delivery → `delivery.picked_up` and `delivery.in_transit`; delivered → `delivery.delivered`.
 */
import { DeliveryEventName, OrderEventName, type OrderPublished } from "./events.ts"
import { type Order, type OrderDelivery, stepOf } from "./order.ts"
import { fulfilmentRank, type OrderStatus } from "./order-status.ts"
import { changed, illegal, type LifecycleEvent, type Step, unchanged } from "./lifecycle-step.ts"

/** The shipping method whose orders the shopper collects in the shop (SPEC §9). */
export const STORE_PICKUP = "store_pickup"

export type FulfilmentEvent = Extract<LifecycleEvent, { kind: "confirmed" | "preparing" | "ready_for_pickup" | "out_for_delivery" | "delivered" }>

/** The status each fulfilment step moves an order to (what `POST /orders/{id}/status` names). */
export const FULFILMENT_TARGET: Readonly<Record<FulfilmentEvent["kind"], OrderStatus>> = {
  confirmed: "CONFIRMED",
  preparing: "PREPARING",
  ready_for_pickup: "READY_FOR_PICKUP",
  out_for_delivery: "OUT_FOR_DELIVERY",
  delivered: "DELIVERED"
}

const isStorePickup = (order: Order): boolean => order.shipping.method_id === STORE_PICKUP

const deliveryOf = (delivery: OrderDelivery) => ({ carrier: delivery.carrier, ...(delivery.tracking_number === null ? {} : { tracking_number: delivery.tracking_number }) })

/** The record patch and the events of a step the order may take. */
const effects = (order: Order, event: FulfilmentEvent): { readonly patch: Partial<Order>; readonly events: ReadonlyArray<OrderPublished> } => {
  const to = FULFILMENT_TARGET[event.kind]
  const step = stepOf(order, to)
  switch (event.kind) {
    case "confirmed":
      return { patch: {}, events: [{ name: OrderEventName.confirmed, payload: { ...step, grand_total: order.grand_total, currency: order.currency, transaction_id: null } }] }
    case "preparing":
      return { patch: {}, events: [{ name: OrderEventName.preparing, payload: step }] }
    case "ready_for_pickup": {
      if (isStorePickup(order)) return { patch: {}, events: [{ name: OrderEventName.readyForPickup, payload: step }] }
      const delivery: OrderDelivery = { carrier: event.carrier ?? order.shipping.method_id, tracking_number: null }
      return {
        patch: { delivery },
        events: [
          { name: OrderEventName.readyForPickup, payload: step },
          { name: DeliveryEventName.assigned, payload: { order_id: order.order_id, ...deliveryOf(delivery) } }
        ]
      }
    }
    case "out_for_delivery": {
      const carrier = order.delivery?.carrier ?? order.shipping.method_id
      const delivery: OrderDelivery = { carrier, tracking_number: event.tracking_number ?? order.delivery?.tracking_number ?? null }
      const parcel = { order_id: order.order_id, ...deliveryOf(delivery) }
      return {
        patch: { delivery },
        events: [
          { name: OrderEventName.outForDelivery, payload: { ...step, ...deliveryOf(delivery) } },
          { name: DeliveryEventName.pickedUp, payload: parcel },
          { name: DeliveryEventName.inTransit, payload: parcel }
        ]
      }
    }
    case "delivered": {
      const delivered: OrderPublished = { name: OrderEventName.delivered, payload: step }
      if (order.delivery === null) return { patch: {}, events: [delivered] }
      return { patch: {}, events: [delivered, { name: DeliveryEventName.delivered, payload: { order_id: order.order_id, ...deliveryOf(order.delivery) } }] }
    }
  }
}

/** Whether the order may take this step from where it stands (one place forward, or the store-pickup shortcut). */
const mayTake = (order: Order, event: FulfilmentEvent, from: number, target: number): boolean => {
  if (event.kind === "out_for_delivery" && isStorePickup(order)) return false
  if (event.kind === "delivered" && isStorePickup(order)) return from === fulfilmentRank("READY_FOR_PICKUP")
  return from === target - 1
}

/** One fulfilment step; see the file comment for the rules. */
export const fulfil = (order: Order, event: FulfilmentEvent, at: Date): Step => {
  const to = FULFILMENT_TARGET[event.kind]
  const from = fulfilmentRank(order.status)
  const target = fulfilmentRank(to)
  const takes = event.kind === "confirmed" ? order.status === "PENDING" : from >= 0 && mayTake(order, event, from, target)
  if (takes) {
    const { patch, events } = effects(order, event)
    return changed(order, to, event.kind, at, patch, events)
  }
  if (from === target) return unchanged(order, "replay")
  if (from > target) return unchanged(order, "stale")
  return illegal(order, event.kind)
}
