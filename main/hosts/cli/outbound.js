#!/usr/bin/env node
// `outbound` as installed (package.json's bin). Plain JavaScript so that, once every TypeScript file of
// the command is in Node's compile cache, Node never loads its TypeScript stripper (about 100 ms of a
// start): the cache is turned on here, before bin.ts (which turns it on itself when run by path).
import { enableCompileCache } from 'node:module';

enableCompileCache();
await import('./bin.ts');
