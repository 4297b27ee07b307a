/**
 * @kasa/adapter-calendar-http: shipping's DeliveryCalendar over an external calendar service
 * (`CALENDAR_API_URL`), behind a timeout, a circuit breaker and a StateStore cache.
 */
export * from "./calendar-api.ts"
export * from "./calendar-cache.ts"
export * from "./http-calendar.ts"
