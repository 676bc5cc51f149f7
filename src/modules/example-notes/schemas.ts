import { Type, type Static } from 'typebox';

const Title = Type.String({ minLength: 1, maxLength: 200 });
const Body = Type.String({ maxLength: 10_000 });
export const NoteId = Type.String({ format: 'uuid' });

/** Command payloads: validated by the command bus (and, for HTTP bodies, by the route). */
export const CreateNote = Type.Object({ title: Title, body: Body }, { additionalProperties: false });
export const EditNote = Type.Object({ noteId: NoteId, title: Title, body: Body }, { additionalProperties: false });
export const ArchiveNote = Type.Object({ noteId: NoteId }, { additionalProperties: false });

/** Query parameters. */
export const GetNote = Type.Object({ noteId: NoteId }, { additionalProperties: false });
export const ListNotes = Type.Object({
  status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('archived')])),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
}, { additionalProperties: false });

/** What commands return (JSON: replayed as is for a repeated idempotency key). */
export const NoteReceipt = Type.Object({ noteId: NoteId, version: Type.Integer() });
export type NoteReceipt = Static<typeof NoteReceipt>;

/** The read model as the API shows it. */
export const NoteView = Type.Object({
  id: NoteId,
  title: Type.String(),
  body: Type.String(),
  status: Type.Union([Type.Literal('active'), Type.Literal('archived')]),
  version: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type NoteView = Static<typeof NoteView>;
