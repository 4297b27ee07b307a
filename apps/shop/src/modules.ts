/**
 * The contexts mounted in the one-process shop. Each context's app exports its module; the shop lists
 * them here, so embedded mode runs exactly the code each stand-alone app runs; the index page at `/`
 * reads the rules those modules loaded.
 */
import type { AnyAppModule } from "@kasa/app-platform"
import { cartModule } from "@kasa/app-cart"
import { catalogModule } from "@kasa/app-catalog"
import { checkoutModule } from "@kasa/app-checkout"
import { orderModule } from "@kasa/app-order"
import { paymentModule } from "@kasa/app-payment"
import { promotionModule } from "@kasa/app-promotion"
import { servicesModule } from "@kasa/app-services"
import { shippingModule } from "@kasa/app-shipping"
import { indexPageModule } from "./index-page.ts"

export const shopModules: ReadonlyArray<AnyAppModule> = [
  catalogModule(),
  cartModule(),
  servicesModule(),
  promotionModule(),
  shippingModule(),
  paymentModule(),
  checkoutModule(),
  orderModule(),
  indexPageModule()
]
