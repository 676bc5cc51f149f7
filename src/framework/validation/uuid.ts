const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a value has the shape of a UUID (hexadecimal, either case), as ids in paths and tokens do. */
export const isUuid = (value: string): boolean => UUID.test(value);
