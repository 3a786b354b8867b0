import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ValidateBy } from 'class-validator';

export const PERSON_NAME_MAX_LENGTH = 100;
/** C0/C1 controls plus the Unicode line and paragraph separators: nothing that breaks a label or a log line. */
const CONTROL_CHARACTERS = /[\p{Cc}\u2028\u2029]/u;

/** Names are compared without case: "ada" and "Ada" are the same person. */
export function nameKeyOf(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

/** What is wrong with a (trimmed) person name, or undefined when it is fine. One rule for the API and FACES_DIR. */
export function personNameProblem(name: unknown): string | undefined {
  if (name === undefined || name === null) return 'name is required';
  if (typeof name !== 'string') return 'name must be a string';
  if (name.length === 0) return 'name must not be empty';
  if ([...name].length > PERSON_NAME_MAX_LENGTH) return `name must be at most ${PERSON_NAME_MAX_LENGTH} characters`;
  if (CONTROL_CHARACTERS.test(name)) return 'name must not contain control characters';
  return undefined;
}

/** DTO property decorator: trims, validates with personNameProblem, documents. */
export function IsPersonName(): PropertyDecorator {
  return applyDecorators(
    ApiProperty({
      description: `Display name: trimmed, 1 to ${PERSON_NAME_MAX_LENGTH} characters, no control characters; unique without regard to case`,
      example: 'Grace Hopper',
      minLength: 1,
      maxLength: PERSON_NAME_MAX_LENGTH,
    }),
    Transform(({ value }) => (typeof value === 'string' ? value.trim() : value)),
    ValidateBy({
      name: 'isPersonName',
      validator: {
        validate: (value) => personNameProblem(value) === undefined,
        defaultMessage: (args) => personNameProblem(args?.value) ?? 'name is invalid',
      },
    }),
  );
}
