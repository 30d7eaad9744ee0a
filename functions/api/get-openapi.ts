import { brotliDecompressSync } from 'node:zlib';
import { compressedDocument } from '#shared/client/served-document.ts';
import { api } from '#shared/http/api.ts';
import { route } from './get-openapi.route.ts';

// The document generated from the route contracts (`npm run client`), decompressed on the first
// request: the function carries neither the route table nor the schemas.
let document: Record<string, unknown> | undefined;

export const handler = api(route, async () => {
  if (!document) {
    const generated = JSON.parse(
      brotliDecompressSync(Buffer.from(compressedDocument, 'base64')).toString('utf8'),
    );
    const url = process.env.PUBLIC_BASE_URL;
    document = url ? { ...generated, servers: [{ url }] } : generated;
  }
  return document;
});
