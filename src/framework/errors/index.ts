export { AppError, isAppError, commonErrors, type ErrorParams } from './app-error.ts';
