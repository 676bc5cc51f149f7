export { spec, type DeciderSpec, type DeciderWhen, type DeciderThen } from './decider-spec.ts';
