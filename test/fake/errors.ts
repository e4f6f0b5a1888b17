import { randomUUID } from 'node:crypto';

/** The constructor of a modelled SDK exception (`NoSuchEntityException`, `ResourceInUseException`, ...). */
export type ModeledErrorClass = new (opts: { $metadata: Record<string, unknown>; message: string }) => Error;

/** The constructor of a service's base exception (`IAMServiceException`, ...), used for unmodelled codes. */
export type BaseErrorClass = new (opts: { name: string; $fault: 'client' | 'server'; $metadata: Record<string, unknown>; message: string }) => Error;

export interface ErrorFactoryOptions {
  base: BaseErrorClass;
  /** Wire error code -> modelled class and HTTP status. */
  modeled: Record<string, [ModeledErrorClass, number]>;
  /**
   * How the SDK decorates an error of this protocol (checked by feeding real error responses to the clients):
   * json (Kinesis, Secrets Manager, Logs, ...): `name` only.
   * query (IAM): `name` is the class (`NoSuchEntityException`), `Code` the wire code, plus `Type` and `Error`.
   * ec2: `name` and `Code` are the wire code (`InvalidVpcID.NotFound`), plus `Error`.
   * restXml (S3): `name` and `Code` are the wire code, plus `RequestId`.
   */
  protocol: 'json' | 'query' | 'ec2' | 'restXml';
  /** Wire code the service sends when a caller is throttled. */
  throttling: string;
  /** Wire code the service sends when IAM denies the call. */
  accessDenied: string;
  /** IAM action prefix of the service, for realistic access-denied messages. */
  actionPrefix: string;
}

/**
 * Builds errors exactly as the SDK v3 client would surface them for a real AWS error response:
 * the modelled exception class where the SDK has one (so `instanceof` and `name` match), the service's
 * base exception otherwise, with `$fault` and `$metadata.httpStatusCode` set.
 */
export class ErrorFactory {
  constructor(readonly opts: ErrorFactoryOptions) {}

  /** An AWS error with the given wire code (`NoSuchEntity`, `ResourceNotFoundException`, ...). */
  make(code: string, message: string, status?: number): Error {
    const modeled = this.opts.modeled[code];
    const httpStatusCode = status ?? modeled?.[1] ?? (isServerCode(code) ? 500 : 400);
    const $metadata = { httpStatusCode, requestId: randomUUID(), attempts: 1, totalRetryDelay: 0 };
    const err = modeled
      ? new modeled[0]({ $metadata, message })
      : new this.opts.base({ name: code, $fault: httpStatusCode >= 500 ? 'server' : 'client', $metadata, message });
    const { requestId } = $metadata;
    if (this.opts.protocol === 'query') {
      const Type = httpStatusCode >= 500 ? 'Receiver' : 'Sender';
      Object.assign(err, { Type, Code: code, Error: { Type, Code: code, Message: message }, RequestId: requestId });
    } else if (this.opts.protocol === 'ec2') {
      Object.assign(err, { Code: code, Error: { Code: code, Message: message } });
    } else if (this.opts.protocol === 'restXml') {
      Object.assign(err, { Code: code, RequestId: requestId });
    }
    return err;
  }

  /** The error a throttled caller gets; the SDK's standard retry treats it as retryable. */
  throttling(command: string): Error {
    return this.make(this.opts.throttling, `Rate exceeded for ${command}`);
  }

  /** An access-denied error for `command`, worded like AWS's. */
  accessDenied(command: string, account: string, note = ''): Error {
    return this.make(
      this.opts.accessDenied,
      `User: arn:aws:sts::${account}:assumed-role/siem-pipeline-provisioner/handler is not authorized to perform: ${this.opts.actionPrefix}:${command}${note}`,
      403,
    );
  }
}

function isServerCode(code: string): boolean {
  return /InternalFailure|InternalError|ServiceFailure|ServiceUnavailable|InternalServiceError/.test(code);
}
