import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { printWardenSchema, schema } from '../src/index.js';

describe('schema.graphql', () => {
  it('is the schema the code builds (run `npm run print-schema -w @warden/schema` after a reviewed change)', () => {
    const checkedIn = readFileSync(join(import.meta.dirname, '..', 'schema.graphql'), 'utf8');
    expect(printWardenSchema()).toBe(checkedIn);
  });

  it('gives every mutation one input (or none, when the operation takes no parameter) and a typed result union with AccessDeniedError', () => {
    const sdl = printWardenSchema();
    const mutationBlock = /type Mutation \{([\s\S]*?)\n\}/.exec(sdl)![1]!;
    const fields = mutationBlock
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => /^\w+(\([^)]*\))?: [\w![\]]+$/.test(line));
    expect(fields.length).toBeGreaterThan(30);
    for (const field of fields) {
      expect(field, field).toMatch(/^\w+(\(input: \w+Input!\))?: \w+Result!$/);
      const union = /: (\w+Result)!$/.exec(field)![1]!;
      expect(new RegExp(`union ${union} = [^\\n]*AccessDeniedError`).test(sdl), union).toBe(true);
    }
  });

  it('answers every query that can be denied, lists included, with a typed result union with AccessDeniedError', () => {
    const sdl = printWardenSchema();
    const queryBlock = /type Query \{([\s\S]*?)\n\}/.exec(sdl)![1]!;
    const fields = queryBlock
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => /^\w+(\([^)]*\))?: [\w![\]]+$/.test(line));
    expect(fields.length).toBeGreaterThan(20);
    // callerIdentity asks for no permission: every request may know who it is.
    for (const field of fields.filter((line) => !line.startsWith('callerIdentity:'))) {
      const union = /: (\w+Result)!$/.exec(field)?.[1];
      expect(union, field).toBeDefined();
      expect(new RegExp(`union ${union} = [^\\n]*AccessDeniedError`).test(sdl), union).toBe(true);
    }
    // A connection is only ever the data of a success, never a field's type of its own.
    const connectionFields = sdl
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => /: \w+Connection!$/.test(line));
    expect(connectionFields.length).toBeGreaterThan(0);
    for (const line of connectionFields) expect(line, line).toMatch(/^data: /);
  });

  it('pages lists forward only: every list takes first and after, and no field takes before or last', () => {
    const lists: string[] = [];
    for (const type of Object.values(schema.getTypeMap()).filter(isObjectType)) {
      for (const field of Object.values(type.getFields())) {
        const names = field.args.map((arg) => arg.name);
        const where = `${type.name}.${field.name}`;
        expect(names, where).not.toContain('before');
        expect(names, where).not.toContain('last');
        if (names.includes('after')) {
          expect(names, where).toContain('first');
          lists.push(where);
        }
      }
    }
    expect(lists).toEqual(expect.arrayContaining(['Query.users', 'Query.groups', 'Query.roles', 'Query.policies', 'Query.auditEvents']));
  });
});
