/**
 * The Schema of a session_id in an event payload: consumers name state keys after it, so a payload
 * whose session_id lacks the shape (ids.ts) does not fit and is dead-lettered, never written.
 */
import { Schema } from "effect"
import { isSessionId } from "./ids.ts"

export const SessionIdString = Schema.String.check(Schema.makeFilter((value: string) => isSessionId(value) || "expected a session id (sess_...)"))
