import { builder } from '../builder.js';

export interface TagShape {
  key: string;
  value: string;
}

export const TagRef = builder.objectRef<TagShape>('Tag').implement({
  fields: (t) => ({ key: t.exposeString('key'), value: t.exposeString('value') }),
});

export const TagInput = builder.inputType('TagInput', {
  fields: (t) => ({ key: t.string({ required: true }), value: t.string({ required: true }) }),
});
