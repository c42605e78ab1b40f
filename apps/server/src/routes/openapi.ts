import { defineOperation } from '../operation.js';
import { openApiDocumentSchema } from '../schemas.js';

/** `GET /openapi.json`: the document built from the app's operations, this one included. No key needed. */
export const getOpenApiDocument = defineOperation({
  operationId: 'getOpenApiDocument',
  method: 'GET',
  path: '/openapi.json',
  auth: 'none',
  summary: 'This document',
  tags: ['service'],
  response: { status: 200, description: 'This document', schema: openApiDocumentSchema },
  handler: (_input, { openApiDocument }) => openApiDocument,
});
