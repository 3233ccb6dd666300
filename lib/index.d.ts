// The SDK, for code that imports it from the server package (as before @taskfleet/sdk).
export * from '@taskfleet/sdk';
