/**
 * problem+json (RFC 9457): the one shape every error response takes. Apps map tagged errors to
 * these; validation problems list the failing fields so a client can show them. It is HTTP, so it
 * lives with the platform: contexts fail with tagged errors and never see it.
 */
export interface FieldProblem {
  readonly field: string
  readonly message: string
}

export interface Problem {
  readonly type: string
  readonly title: string
  readonly status: number
  readonly code: string
  readonly detail?: string
  readonly instance?: string
  readonly errors?: ReadonlyArray<FieldProblem>
  readonly [extension: string]: unknown
}

export const PROBLEM_CONTENT_TYPE = "application/problem+json"

export const problem = (
  status: number,
  code: string,
  title: string,
  extra: Omit<Partial<Problem>, "status" | "code" | "title" | "type"> = {}
): Problem => ({ type: `https://kasa.dev/problems/${code}`, title, status, code, ...extra })
