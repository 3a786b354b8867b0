import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

/** Metadata key of @AdminOnly(). */
export const ADMIN_ONLY = 'access:admin-only';
/** The OpenAPI extension that says an operation is for admins whatever its method. */
export const REQUIRED_ROLE_EXTENSION = 'x-required-role';

/**
 * Marks a route (or a controller) for admins only, even a read (e.g. the audit log): the access
 * guard then asks for the admin role, and the OpenAPI document says so.
 */
export function AdminOnly(): MethodDecorator & ClassDecorator {
  return applyDecorators(SetMetadata(ADMIN_ONLY, true), ApiExtension(REQUIRED_ROLE_EXTENSION, 'admin'));
}
