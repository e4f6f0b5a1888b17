import { cloudTrailDocs } from './cloudtrail/docs';
import { coreDocs } from './core/docs';
import { operationsDocs } from './core/operations-docs';
import { eventSourceDocs } from './event-sources/docs';
import { flowLogDocs } from './flow-logs/docs';
import { guardDutyDocs } from './guardduty/docs';
import type { ModuleDocs, ParameterDocs } from './types';

/**
 * The console text and README rows of every parameter, by name: read by the template parity test and
 * `npm run docs:params`, never by the Lambda functions (their bundles stay small). A test holds its names
 * equal to the registry's parameters.
 */
export const PARAMETER_DOCS: ModuleDocs = { ...coreDocs, ...cloudTrailDocs, ...flowLogDocs, ...guardDutyDocs, ...eventSourceDocs, ...operationsDocs };

/** Thrown for a parameter without docs. */
export class MissingDocsError extends Error {
  override readonly name = 'MissingDocsError';
}

/** The docs of parameter `name`; a parameter without docs is an error naming it. */
export function docsOf(name: string, docs: ModuleDocs = PARAMETER_DOCS): ParameterDocs {
  const found = docs[name];
  if (!found) throw new MissingDocsError(`parameter ${name} has no docs (console text and README row): add them to its module's docs.ts`);
  return found;
}
