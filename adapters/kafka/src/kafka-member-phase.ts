/**
 * The life of a Kafka group member as one pure function: its phase and an event (a join is wanted,
 * the client asks for join metadata, an assignment arrived, stop, abort, the stop finished) give the
 * next phase and the actions to take, in order. Written as data so every (phase, event) pair is
 * visible in one table and tested as one (kafka-member-phase.test.ts); the member
 * (kafka-group-member.ts) only performs the actions. Only membership events go through here, never a
 * batch: the hot path reads the phase field and nothing more.
 */

export type Phase = "joining" | "active" | "revoking" | "stopping" | "stopped" | "aborted"

/**
 * The member's status, shared by membership and dispatch (the one mutable cell of the member's
 * life): written on membership events, read on every batch.
 */
export interface MemberStatus {
  phase: Phase
  /** Bumped whenever positions become invalid (revocation, new assignment, leaving): late answers are dropped. */
  token: number
  generation: number
}

export interface PhaseState {
  readonly phase: Phase
  /** When a revocation in progress stops waiting for the batch in hand (epoch ms); 0 when none. */
  readonly revokeDeadline: number
}

export type PhaseEvent =
  /** A JoinGroup is wanted: the first one, a retry, or after the client gave its membership up. */
  | { readonly _tag: "join" }
  /** The client asks for join metadata before every JoinGroup: the revocation point. */
  | { readonly _tag: "revoke"; readonly now: number; readonly rebalanceTimeoutMs: number }
  /** A generation assigned partitions to this member. */
  | { readonly _tag: "assigned" }
  /** Graceful leave. */
  | { readonly _tag: "stop" }
  /** Crash: leave at once. */
  | { readonly _tag: "abort" }
  /** A graceful leave finished closing the clients. */
  | { readonly _tag: "closed" }

export type PhaseAction =
  /** Send a JoinGroup (retried by the member while it does not leave). */
  | { readonly _tag: "joinGroup" }
  /** Drop every position and read-ahead record; answers to earlier requests become stale. */
  | { readonly _tag: "invalidate" }
  /** Take the new assignment: record it, resolve `ready`, read the start positions. */
  | { readonly _tag: "adopt" }
  /** Wait until no batch is in hand, or until `deadline` (epoch ms; undefined: no deadline). */
  | { readonly _tag: "waitIdle"; readonly deadline: number | undefined }
  /** Refuse the join metadata: the member is leaving and must not join again. */
  | { readonly _tag: "refuseJoin" }
  /** Interrupt the handlers of the batches in hand (their batches are redelivered elsewhere). */
  | { readonly _tag: "interrupt" }
  /** Release whoever waits for the member to be idle. */
  | { readonly _tag: "releaseIdle" }
  /** Close the clients, which leaves the group. */
  | { readonly _tag: "close" }

export interface Transition {
  readonly state: PhaseState
  readonly actions: ReadonlyArray<PhaseAction>
}

export const initialPhase: PhaseState = { phase: "joining", revokeDeadline: 0 }

export const isLeaving = (phase: Phase): boolean => phase === "stopping" || phase === "stopped" || phase === "aborted"

/** The actions, built once (a transition allocates only its list). */
export const PhaseActions = {
  joinGroup: { _tag: "joinGroup" },
  invalidate: { _tag: "invalidate" },
  adopt: { _tag: "adopt" },
  refuseJoin: { _tag: "refuseJoin" },
  interrupt: { _tag: "interrupt" },
  releaseIdle: { _tag: "releaseIdle" },
  close: { _tag: "close" },
  waitIdle: (deadline: number | undefined): PhaseAction => ({ _tag: "waitIdle", deadline })
} as const satisfies Record<string, PhaseAction | ((deadline: number | undefined) => PhaseAction)>

const { joinGroup, invalidate, adopt, refuseJoin, interrupt, releaseIdle, close, waitIdle } = PhaseActions

const stay = (state: PhaseState, actions: ReadonlyArray<PhaseAction> = []): Transition => ({ state, actions })
const enter = (phase: Phase, actions: ReadonlyArray<PhaseAction>, revokeDeadline = 0): Transition => ({ state: { phase, revokeDeadline }, actions })

export const nextPhase = (state: PhaseState, event: PhaseEvent): Transition => {
  const { phase } = state
  switch (event._tag) {
    case "join":
      return stay(state, isLeaving(phase) ? [] : [joinGroup])
    case "revoke":
      if (isLeaving(phase)) return stay(state, [refuseJoin])
      if (phase === "active") {
        // Give the partitions up: stop handing out batches and wait (bounded) for the one in hand.
        const deadline = event.now + event.rebalanceTimeoutMs
        return enter("revoking", [invalidate, waitIdle(deadline)], deadline)
      }
      // A rejoin while revoking keeps the first deadline; before any assignment nothing is in hand.
      return stay(state, [waitIdle(phase === "revoking" ? state.revokeDeadline : event.now)])
    case "assigned":
      return isLeaving(phase) ? stay(state) : enter("active", [invalidate, adopt])
    case "stop":
      // A second stop, or a stop after abort, shares the leave already under way.
      return isLeaving(phase) ? stay(state) : enter("stopping", [invalidate, waitIdle(undefined), releaseIdle, close])
    case "abort":
      return phase === "aborted" || phase === "stopped" ? stay(state) : enter("aborted", [invalidate, interrupt, releaseIdle, close])
    case "closed":
      return phase === "stopping" ? enter("stopped", []) : stay(state)
  }
}
