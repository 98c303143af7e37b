/** gRPC status codes Argo CD's API puts in `code`. */
export const GrpcCode = {
  invalidArgument: 3,
  notFound: 5,
  permissionDenied: 7,
  failedPrecondition: 9,
  internal: 13,
  unauthenticated: 16,
} as const;

/**
 * An error the fake Argo CD API answers with: HTTP status plus Argo CD's JSON body
 * `{error, code, message}` (grpc-gateway's runtime.Error shape).
 */
export class ArgoApiError extends Error {
  override readonly name = 'ArgoApiError';
  readonly httpStatus: number;
  readonly grpcCode: number;
  constructor(httpStatus: number, grpcCode: number, message: string) {
    super(message);
    this.httpStatus = httpStatus;
    this.grpcCode = grpcCode;
  }

  /** The response body Argo CD sends. */
  toJSON(): { error: string; code: number; message: string } {
    return { error: this.message, code: this.grpcCode, message: this.message };
  }
}

/** `applications.argoproj.io "name" not found`, as Argo CD reports an unknown app. */
export function applicationNotFound(name: string): ArgoApiError {
  return new ArgoApiError(404, GrpcCode.notFound, `applications.argoproj.io "${name}" not found`);
}
