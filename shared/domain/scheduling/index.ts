export * from './types.js';
export * from './config.js';
export * from './fit.js';
export * from './order.js';
export * from './affinity.js';
export * from './admission.js';
export * from './default-policy.js';
export * from './wake.js';
