/**
 * Checks an answer against the served OpenAPI document: its status is documented for the
 * operation, its content type is one the document names, and a JSON body matches the documented
 * schema (ajv, JSON Schema 2020-12, formats checked). The test helper's `request` runs this on
 * every answer it receives, so the document and the code cannot drift apart unnoticed.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

type Json = Record<string, unknown>;
interface Operation {
  responses: Record<string, Json>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { responses: Record<string, Json> };
}

const base = 'https://subscription-center.invalid/openapi.json';
const pointer = (...parts: string[]) =>
  parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

export interface ContractChecker {
  /** What is wrong with the answer (empty when it matches the document). */
  check(answer: {
    method: string;
    path: string;
    status: number;
    contentType: string;
    body: unknown;
  }): string[];
}

export const contractChecker = (doc: Document): ContractChecker => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema({ ...doc, $id: base });
  const validators = new Map<string, ValidateFunction>();
  const templates = Object.keys(doc.paths)
    .map((template) => {
      const segments = template.split('/').filter(Boolean);
      const source = segments.map((s) =>
        /^\{\w+\}$/.test(s) ? '/[^/]+' : `/${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`,
      );
      return {
        template,
        pattern: new RegExp(`^${source.join('') || '/'}$`),
        literal: segments.filter((s) => !s.startsWith('{')).length,
      };
    })
    .sort((a, b) => b.literal - a.literal);

  return {
    check({ method, path, status, contentType, body }) {
      const bare = path.split('?')[0] ?? path;
      const verb = method.toLowerCase();
      const found = templates.find((t) => t.pattern.test(bare) && doc.paths[t.template]?.[verb]);
      // A request no route serves is the gateway's 404, not an operation's answer.
      if (!found) return [];
      const where = `${method} ${found.template} → ${status}`;
      const operation = doc.paths[found.template]?.[verb] as Operation;
      let response = operation.responses[String(status)];
      let location = ['paths', found.template, verb, 'responses', String(status)];
      if (!response) return [`${where}: status not documented`];
      if (typeof response.$ref === 'string') {
        const name = response.$ref.split('/').pop() ?? '';
        response = doc.components.responses[name] ?? {};
        location = ['components', 'responses', name];
      }
      const content = (response.content ?? {}) as Record<string, Json>;
      const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
      if (!Object.keys(content).length) {
        return body === '' || body === undefined ? [] : [`${where}: a body where the document has none`];
      }
      if (!content[type]) return [`${where}: content type ${type || '(none)'} not documented`];
      if (type !== 'application/json') return [];
      const ref = `${base}#/${pointer(...location, 'content', 'application/json', 'schema')}`;
      let validate = validators.get(ref);
      if (!validate) {
        validate = ajv.compile({ $ref: ref });
        validators.set(ref, validate);
      }
      if (validate(body)) return [];
      return (validate.errors ?? [])
        .slice(0, 10)
        .map((e) => `${where}: body${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
    },
  };
};
