import { XMLBuilder } from 'fast-xml-parser';
import type { AwsError } from './aws-errors.js';
import type { XmlObject } from './aws-shapes.js';

/**
 * AWS's Query answers as XML, built by fast-xml-parser's builder, which escapes every text value:
 * user data (names, tags, policy documents) never becomes markup.
 */
const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', suppressEmptyNode: false, processEntities: true });

/** `<ActionResponse xmlns><ActionResult>…</ActionResult><ResponseMetadata><RequestId>`; no Result element when the action has none. */
export function successXml(action: string, namespace: string, result: XmlObject | undefined, requestId: string): string {
  return builder.build({
    [`${action}Response`]: {
      '@_xmlns': namespace,
      ...(result === undefined ? {} : { [`${action}Result`]: result }),
      ResponseMetadata: { RequestId: requestId },
    },
  });
}

/** `<ErrorResponse xmlns><Error><Type><Code><Message></Error><RequestId></ErrorResponse>`, as IAM and STS answer an error. */
export function errorXml(error: AwsError, namespace: string, requestId: string): string {
  return builder.build({
    ErrorResponse: {
      '@_xmlns': namespace,
      Error: { Type: error.type, Code: error.code, Message: error.message },
      RequestId: requestId,
    },
  });
}
