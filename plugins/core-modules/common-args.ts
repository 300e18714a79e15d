import { z } from 'zod';

const TRUE = ['yes', 'on', 'true', '1', 'y', 't'];
const FALSE = ['no', 'off', 'false', '0', 'n', 'f'];

/**
 * A boolean as Ansible takes it: YAML booleans, or the strings of the
 * key=value form (`force=no`).
 */
export const boolArg = z.union([
  z.boolean(),
  z
    .string()
    .refine((s) => TRUE.includes(s.toLowerCase()) || FALSE.includes(s.toLowerCase()), {
      message: 'must be a boolean (yes/no, true/false)',
    })
    .transform((s) => TRUE.includes(s.toLowerCase())),
]);

/** A user or group, by name or numeric id (`owner: 0` arrives as a number). */
export const idArg = z.union([z.string().min(1), z.number().int().min(0)]).transform(String);

/** A number given as a number or as the string of the key=value form. */
export const numberArg = z.union([
  z.number(),
  z
    .string()
    .regex(/^\d+(\.\d+)?$/)
    .transform(Number),
]);
