// Integration and e2e tests start processes and wait for real services.
jest.setTimeout(180_000);
