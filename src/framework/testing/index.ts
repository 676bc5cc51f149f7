export { spec, type DeciderSpec, type DeciderWhen, type DeciderThen } from './decider-spec.ts';
export { projectionSpec, type ProjectionSpec, type GivenEvent } from '../projections/testing.ts';
