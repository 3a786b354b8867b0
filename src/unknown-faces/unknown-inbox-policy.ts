/** Which cameras' strangers may be kept in the unknown-faces inbox (a camera's `unknownInbox`, default true). */
export interface UnknownInboxPolicy {
  keepsStrangersFrom(camera: string): boolean;
}

export const UNKNOWN_INBOX_POLICY = Symbol('UNKNOWN_INBOX_POLICY');

/** The policy over a lookup of camera definitions: unknown cameras (removed meanwhile) keep nothing. */
export function inboxPolicyOf(definitionOf: (camera: string) => { unknownInbox?: boolean } | undefined): UnknownInboxPolicy {
  return {
    keepsStrangersFrom(camera: string): boolean {
      const definition = definitionOf(camera);
      return definition !== undefined && definition.unknownInbox !== false;
    },
  };
}
