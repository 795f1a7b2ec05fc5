export {
  checkGenerateOptions,
  GENERATE_DEFAULTS,
  type GenerateOptions,
  generateEvents,
  LIMITS,
  parseStartDate,
} from './generate.ts';
export { PHONE_PERCENT, PUSH_PERCENT } from './people.ts';
export { localHour, utcOffsetMinutes, ZONES, type Zone } from './zones.ts';
